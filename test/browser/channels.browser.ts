import { expect, test } from './support/fixtures.js';

test('a private channel and a DM: their members chat live, anyone else sees neither', async ({
  newChatPage,
  server,
}) => {
  const alice = await newChatPage();
  const bob = await newChatPage();
  const carol = await newChatPage();
  for (const [page, user] of [
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
  ] as const) {
    await page.signIn(user);
    await page.expectLive();
  }

  // alice creates a private channel and adds bob; it appears in bob's sidebar without a reload.
  await alice.createChannel('launch-plans', { topic: 'Only for the two of us', private: true });
  await alice.addMember('Bob Builder (@bob)');
  await expect((await alice.members()).getByText('Bob Builder')).toBeVisible();
  await bob.channelLink('launch-plans (private)').click();
  await expect(bob.heading('#launch-plans')).toBeVisible();
  await expect(bob.page.getByText('Only for the two of us')).toBeVisible();

  await alice.sendIn('#launch-plans', 'We launch on Friday.');
  await expect(bob.messageIn('#launch-plans', 'We launch on Friday.')).toBeVisible();
  await bob.sendIn('#launch-plans', 'Friday it is.');
  await expect(alice.messageIn('#launch-plans', 'Friday it is.')).toBeVisible();
  await expect(alice.messageIn('#launch-plans', 'We launch on Friday.')).toHaveCount(1);

  // alice opens a DM with bob; bob, reading the private channel, sees it arrive as unread, by alice's name.
  await alice.newDirectMessage(['Bob Builder']);
  await expect(alice.heading('Bob Builder')).toBeVisible();
  const dm = alice.openChannelName();
  expect(dm).toMatch(/^dm-[0-9a-f]{12}$/);
  await alice.sendIn('Bob Builder', 'Coffee later?');
  await bob.channelLink('Alice Liddell 1 unread').click();
  await expect(bob.messageIn('Alice Liddell', 'Coffee later?')).toBeVisible();
  await bob.sendIn('Alice Liddell', 'Sure, at 3.');
  await expect(alice.messageIn('Bob Builder', 'Sure, at 3.')).toBeVisible();
  await expect(bob.channelLink('Alice Liddell')).toHaveAttribute('aria-current', 'page');

  // carol sees neither, and the API does not admit they exist.
  await expect(carol.channelLink('# general')).toBeVisible();
  await expect(carol.channelLink(/launch-plans/)).toHaveCount(0);
  await expect(carol.sidebar.getByRole('navigation', { name: 'Direct messages' })).toContainText('None yet');
  await expect(carol.logOf('#general').getByText(/launch|Coffee|Friday/)).toHaveCount(0);
  for (const channel of ['launch-plans', dm]) {
    const response = await server.request('carol', 'GET', `/api/channels/${channel}/messages`);
    expect(response.status, `carol reading ${channel}`).toBe(404);
  }
  const listed = (await (await server.request('carol', 'GET', '/api/channels')).json()) as {
    channels: { name: string }[];
  };
  expect(listed.channels.map((c) => c.name)).not.toContain('launch-plans');
  expect(listed.channels.map((c) => c.name)).not.toContain(dm);

  // alice removes bob: bob's page leaves the channel and says why.
  await bob.channelLink('launch-plans (private)').click();
  await expect(bob.heading('#launch-plans')).toBeVisible();
  await alice.channelLink('launch-plans (private)').click();
  await (await alice.members()).getByRole('button', { name: 'Remove Bob Builder' }).click();
  await expect(bob.page.getByRole('alert')).toHaveText(/You were removed from #launch-plans\./);
  await expect(bob.heading('#general')).toBeVisible();
  await expect(bob.channelLink(/launch-plans/)).toHaveCount(0);
});

test('a public channel: previewed, joined, and counted as unread until opened', async ({ newChatPage }) => {
  const alice = await newChatPage();
  const bob = await newChatPage();
  await alice.signIn('alice', { stay: true });
  await bob.signIn('bob');
  await alice.expectLive();
  await bob.expectLive();

  await alice.createChannel('lunch', { topic: 'Where and when' });
  await alice.sendIn('#lunch', 'Pizza at noon?');

  // bob is not a member: he can read it, but must join to post.
  await bob.channelLink('# lunch').click();
  await expect(bob.messageIn('#lunch', 'Pizza at noon?')).toBeVisible();
  await expect(bob.page.getByRole('textbox', { name: 'Message #lunch' })).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'Join #lunch' }).click();
  await bob.sendIn('#lunch', 'Count me in.');

  // alice reads general meanwhile: lunch counts one unread, and opening it clears the count.
  await alice.channelLink('# general').click();
  await expect(alice.heading('#general')).toBeVisible();
  await bob.sendIn('#lunch', 'And a salad.');
  await expect(alice.channelLink('# lunch 1 unread')).toBeVisible();
  await alice.channelLink('# lunch').click();
  await expect(alice.messageIn('#lunch', 'And a salad.')).toBeVisible();
  await expect(alice.messageIn('#lunch', 'Count me in.')).toBeVisible();
  await alice.channelLink('# general').click();
  await expect(alice.channelLink(/^# lunch$/)).toBeVisible();

  // The read marker is on the server: a reload shows no unread either.
  await alice.page.reload();
  await alice.expectLive();
  await expect(alice.channelLink(/^# lunch$/)).toBeVisible();

  // bob leaves; the channel stays in his list, to preview again.
  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await expect(bob.heading('#general')).toBeVisible();
  await expect(bob.channelLink('# lunch')).toBeVisible();
});
