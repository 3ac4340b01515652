import { expect, test } from './support/fixtures.js';

test.describe('with sign-up closed (the default)', () => {
  // The refused POST /api/signup is logged by Chromium itself.
  test.use({ allowedConsole: [/status of 403 \(Forbidden\).*\/api\/signup/] });

  test('the sign-up form says that sign-up is closed', async ({ newChatPage }) => {
    const chat = await newChatPage();
    await chat.open();
    await chat.page.getByRole('button', { name: 'Create an account' }).click();
    await chat.page.getByLabel('Username').fill('dana');
    await chat.page.getByLabel('Display name').fill('Dana Scully');
    await chat.page.getByLabel('Password').fill('violet-umbrella-sails-north');
    await chat.page.getByRole('button', { name: 'Create the account' }).click();
    await expect(chat.alert).toHaveText(/Sign-up is closed/);
  });
});

test.describe('with sign-up by approval', () => {
  test.use({
    serverEnv: { SIGNUP: 'approval' },
    // One pattern: a second RegExp in the list would read as Playwright's [value, options] fixture tuple.
    allowedConsole: [/status of 400 \(Bad Request\).*\/api\/signup/],
  });

  test('a weak password is refused with the reason, a new account waits for an admin who approves it', async ({
    newChatPage,
  }) => {
    const dana = await newChatPage();
    await dana.open();
    await dana.page.getByRole('button', { name: 'Create an account' }).click();
    await dana.page.getByLabel('Username').fill('dana');
    await dana.page.getByLabel('Display name').fill('Dana Scully');
    await dana.page.getByLabel('Password').fill('password');
    await dana.page.getByRole('button', { name: 'Create the account' }).click();
    await expect(dana.alert).toHaveText(/^Password is too weak/);

    await dana.page.getByLabel('Password').fill('violet-umbrella-sails-north');
    await dana.page.getByRole('button', { name: 'Create the account' }).click();
    await expect(dana.page.getByRole('status')).toHaveText(/Your account awaits approval/);
    await dana.page.getByRole('button', { name: 'Back to sign in' }).click();
    await expect(dana.username).toHaveValue('dana');

    const alice = await newChatPage();
    await alice.signIn('alice');
    await alice.expectLive();
    await alice.page.getByRole('button', { name: /Sign-up requests/ }).click();
    const requests = alice.page.getByRole('dialog', { name: 'Sign-up requests' });
    await expect(requests.getByText('Dana Scully')).toBeVisible();
    await requests.getByRole('button', { name: 'Approve dana' }).click();
    await expect(requests.getByText('No one is waiting for approval.')).toBeVisible();

    await dana.password.fill('violet-umbrella-sails-north');
    await dana.signInButton.click();
    await dana.expectLive();
    await expect(dana.page.getByText('@dana')).toBeVisible();
  });
});
