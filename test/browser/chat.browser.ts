import { fileURLToPath } from 'node:url';
import type { TestUser } from './support/chat-server.js';
import { expect, test } from './support/fixtures.js';

const SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));

test('signs in, stays signed in on this tab across a reload, and signs out', async ({ newChatPage }) => {
  const alice = await newChatPage();
  await alice.signIn('alice', { stay: true });
  await alice.expectLive();
  await expect(alice.page.getByText('last 1000 messages, kept 1 hour')).toBeVisible();
  const people = alice.page.getByRole('region', { name: 'People' });
  await expect(people.getByText('Bob Builder')).toBeVisible();
  await expect(people.getByText('Carol Danvers')).toBeVisible();

  await alice.page.reload();
  await alice.expectLive();

  await alice.signOutButton.click();
  await expect(alice.signInButton).toBeVisible();
  await alice.page.reload();
  await expect(alice.signInButton).toBeVisible();
});

test.describe('with a wrong password', () => {
  // The page checks credentials with GET /api/me; Chromium logs the refused request itself.
  test.use({ allowedConsole: [/status of 401 \(Unauthorized\).*\/api\/me/] });

  test('says the username or password is wrong, without a browser login dialog', async ({ newChatPage }) => {
    const chat = await newChatPage();
    await chat.signIn('alice', { password: 'not-her-password' });
    await expect(chat.alert).toHaveText('Wrong username or password.');
    await expect(chat.channel).toBeHidden();
  });
});

test('alice sends, bob sees it live without a reload, each exactly once', async ({ newChatPage }) => {
  const alice = await newChatPage();
  const bob = await newChatPage();
  await alice.signIn('alice');
  await bob.signIn('bob');
  await alice.expectLive();
  await bob.expectLive();
  // A reload would wipe this global.
  await bob.page.evaluate(() => ((globalThis as Record<string, unknown>).noReloadMarker = 'still here'));

  await alice.send('Hello Bob, can you see this?');
  await expect(bob.message('Hello Bob, can you see this?')).toBeVisible();
  await expect(bob.log.getByRole('article', { name: 'Messages from Alice Liddell' })).toHaveCount(1);
  await expect(alice.message('Hello Bob, can you see this?')).toHaveCount(1);
  expect(await bob.page.evaluate(() => (globalThis as Record<string, unknown>).noReloadMarker)).toBe(
    'still here',
  );

  await bob.send('Yes!\nLoud and clear: https://example.com/docs');
  await expect(alice.log.getByRole('link', { name: 'https://example.com/docs' })).toHaveAttribute(
    'rel',
    'noopener noreferrer',
  );
});

test('a message with HTML is shown as text and runs nothing', async ({ newChatPage }) => {
  const payload = '<img src=x onerror=alert(1)>';
  const alice = await newChatPage();
  const bob = await newChatPage();
  await alice.signIn('alice');
  await bob.signIn('bob');
  await bob.expectLive();

  await alice.send(payload);
  await expect(bob.message(payload)).toBeVisible();
  await expect(alice.message(payload)).toBeVisible();
  await expect(bob.log.locator('img')).toHaveCount(0);
  await expect(alice.log.locator('img')).toHaveCount(0);
  // An alert would have been recorded as a dialog and fails the test in the fixture.
});

test('scrolling up loads older messages, each once', async ({ newChatPage, server }) => {
  for (let i = 1; i <= 120; i += 1)
    await server.send(i % 2 ? 'bob' : 'carol', `older ${String(i).padStart(3, '0')}`);
  const alice = await newChatPage();
  await alice.signIn('alice');
  await alice.expectLive();
  await expect(alice.message('older 120')).toBeVisible();
  await expect(alice.message('older 001')).toHaveCount(0);

  await expect
    .poll(
      async () => {
        await alice.log.evaluate((el) => el.scrollTo({ top: 0 }));
        return alice.message('older 001').count();
      },
      { timeout: 15_000 },
    )
    .toBe(1);
  await expect(alice.log.getByText(/^older \d{3}$/)).toHaveCount(120);
  await expect(alice.page.getByText('This is the start of #general.', { exact: false })).toBeVisible();
});

test('a reader who scrolled up gets a "new messages" pill instead of a jump', async ({
  newChatPage,
  server,
}) => {
  for (let i = 1; i <= 60; i += 1) await server.send('bob', `filler ${i}`);
  const alice = await newChatPage();
  await alice.signIn('alice');
  await alice.expectLive();
  // Scrolled up, and the page has seen it: scroll events are handled before the next frame's callbacks. (A message
  // arriving in the same frame as the scroll would still be followed to the bottom.)
  await alice.log.evaluate(async (el) => {
    el.scrollTo({ top: el.scrollHeight / 3 });
    const nextFrame = (globalThis as unknown as { requestAnimationFrame: (callback: () => void) => void })
      .requestAnimationFrame;
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => nextFrame(resolve));
  });

  await server.send('bob', 'while you were away');
  const pill = alice.page.getByRole('button', { name: /1 new message/ });
  await expect(pill).toBeVisible();
  await pill.click();
  await expect(alice.message('while you were away')).toBeInViewport();
  await expect(pill).toBeHidden();
});

test.describe('when the server restarts', () => {
  // While the server is down, Chromium logs the refused connections; that is the situation under test.
  test.use({ allowedConsole: [/Failed to load resource: net::ERR_CONNECTION_REFUSED/] });

  test('the page reconnects by itself and chat goes on', async ({ newChatPage, server }) => {
    const alice = await newChatPage();
    const bob = await newChatPage();
    await alice.signIn('alice');
    await bob.signIn('bob');
    await alice.expectLive();
    await bob.expectLive();
    await alice.send('before the restart');
    await expect(bob.message('before the restart')).toBeVisible();

    await server.stop();
    await expect(alice.connection).toHaveText(/Reconnecting|Offline/);
    await server.startAgain();

    await expect(alice.connection).toHaveText('Live', { timeout: 30_000 });
    await expect(bob.connection).toHaveText('Live', { timeout: 30_000 });
    await bob.send('after the restart');
    await expect(alice.message('after the restart')).toBeVisible();
    await expect(bob.message('after the restart')).toHaveCount(1);
    await expect(alice.message('before the restart')).toHaveCount(1);
  });
});

test('works at 360 px wide, by keyboard', async ({ newChatPage }) => {
  const alice = await newChatPage({ viewport: { width: 360, height: 740 } });
  await alice.signIn('alice');
  await alice.expectLive();
  expect(await alice.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

  await alice.composer.focus();
  await alice.page.keyboard.type('first line');
  await alice.page.keyboard.press('Shift+Enter');
  await alice.page.keyboard.type('second line');
  await alice.page.keyboard.press('Enter');
  await expect(alice.message('first line\nsecond line')).toBeVisible();

  const menu = alice.page.getByRole('button', { name: 'Channels and people' });
  await expect(alice.signOutButton).toBeHidden();
  await menu.press('Enter');
  await expect(alice.signOutButton).toBeVisible();
  await expect(alice.page.getByRole('link', { name: '# general' })).toBeFocused();
  await alice.page.keyboard.press('Escape');
  await expect(alice.signOutButton).toBeHidden();
  await expect(menu).toBeFocused();
});

test('the chat view (saved as docs/screenshot.png with UPDATE_SCREENSHOT=1)', async ({
  newChatPage,
  server,
}, info) => {
  await server.send('carol', 'Morning all! The deploy went out at 09:00.');
  await server.send('bob', 'Nice. Release notes are here: https://example.com/releases/1.4');
  await server.send('bob', 'Anything I should watch for?');
  await server.send('carol', 'Only the new retention rule:\nlast 1000 messages, kept 1 hour.');
  // A sidebar with channels, a private one, a DM, and unread messages waiting.
  const setup: [TestUser, string, unknown][] = [
    ['alice', '/api/channels', { name: 'design', topic: 'Pixels and fonts', private: false }],
    ['alice', '/api/channels', { name: 'leads', private: true }],
    ['bob', '/api/channels/design/join', {}],
    ['carol', '/api/channels', { name: 'releases', topic: 'What ships when', private: false }],
  ];
  for (const [user, path, body] of setup) {
    const response = await server.request(user, 'POST', path, body);
    expect(response.ok, `${user} POST ${path}`).toBe(true);
  }
  const dm = (
    (await (await server.request('bob', 'POST', '/api/dms', { users: ['alice'] })).json()) as { name: string }
  ).name;
  await server.send('bob', 'The new icons are in the shared folder.', 'design');
  await server.send('bob', 'Feedback welcome by Friday.', 'design');
  await server.send('bob', 'Lunch at noon?', dm);
  const alice = await newChatPage();
  await alice.signIn('alice');
  await alice.expectLive();
  await alice.send('Thanks both, I will keep an eye on the dashboards.');
  await expect(alice.message('Thanks both, I will keep an eye on the dashboards.')).toBeVisible();
  await expect(alice.page.getByText('Sending…')).toHaveCount(0);
  await expect(alice.channelLink('# design 2 unread')).toBeVisible();
  await expect(alice.channelLink('Bob Builder 1 unread')).toBeVisible();
  const path = process.env.UPDATE_SCREENSHOT ? SCREENSHOT : info.outputPath('chat.png');
  await alice.page.screenshot({ path });
});
