import type { ChatServer, TestUser } from './support/chat-server.js';
import { expect, test } from './support/fixtures.js';

/** Calls the API and fails the test unless it answers with `status`. */
async function call(
  server: ChatServer,
  user: TestUser,
  path: string,
  body: unknown,
  status: number,
): Promise<unknown> {
  const response = await server.request(user, 'POST', path, body);
  expect(response.status, `${user} POST ${path}`).toBe(status);
  return response.json();
}

const note = (i: number) => `design note ${String(i).padStart(2, '0')}`;

test('finds messages from the page, marks what matched, and opens one in its channel, in context', async ({
  newChatPage,
  server,
}) => {
  await call(server, 'alice', '/api/channels', { name: 'design', topic: '', private: false }, 201);
  await call(server, 'bob', '/api/channels/design/join', {}, 200);
  await server.send('carol', 'The launch checklist is ready');
  for (let i = 1; i <= 30; i += 1) await server.send('alice', note(i), 'design');
  // An emoji before the match: the highlight's offsets count it as two UTF-16 code units.
  await server.send('bob', 'The 🚀 launch moves to Friday in 東京', 'design');
  for (let i = 31; i <= 70; i += 1) await server.send('alice', note(i), 'design');
  const dm = (await call(server, 'bob', '/api/dms', { users: ['alice'] }, 201)) as { name: string };
  await server.send('bob', 'Launch party after?', dm.name);

  const alice = await newChatPage();
  await alice.signIn('alice');
  await alice.expectLive();
  await alice.search('launch');

  // Newest first; the DM is named by its other member, as in the sidebar.
  const results = alice.searchResults.getByRole('listitem');
  await expect(results).toHaveCount(3);
  await expect(results.nth(0)).toContainText('Bob Builder');
  await expect(results.nth(0).locator('mark')).toHaveText(['Launch']);
  const inDesign = alice.searchResult('moves to Friday');
  await expect(results.nth(1)).toContainText('moves to Friday');
  await expect(inDesign).toContainText('#design');
  await expect(inDesign).toContainText('Bob Builder');
  await expect(inDesign.locator('mark')).toHaveText(['launch']);
  await expect(results.nth(2)).toContainText('#general');
  await expect(results.nth(2)).toContainText('Carol Danvers');

  // Opening it: the channel switches, and the message is in view among its neighbours, marked.
  await inDesign.getByRole('button').click();
  await expect(alice.heading('#design')).toBeVisible();
  expect(alice.openChannelName()).toBe('design');
  const log = alice.logOf('#design');
  const marked = log.locator('[aria-current="true"]');
  await expect(marked).toHaveText('The 🚀 launch moves to Friday in 東京');
  await expect(marked).toBeInViewport();
  await expect(alice.messageIn('#design', note(30))).toBeInViewport();
  await expect(alice.messageIn('#design', note(31))).toBeInViewport();
  await expect(alice.messageIn('#design', note(70))).not.toBeInViewport();

  // The channel stays live: a new message arrives below, announced while the reader looks further up.
  await server.send('bob', 'fresh news after the jump', 'design');
  await expect(alice.messageIn('#design', 'fresh news after the jump')).toHaveCount(1);
  await alice.page.getByRole('button', { name: /1 new message/ }).click();
  await expect(alice.messageIn('#design', 'fresh news after the jump')).toBeInViewport();

  // Another result, in another channel: general opens at it.
  await results.nth(2).getByRole('button').click();
  await expect(alice.heading('#general')).toBeVisible();
  await expect(alice.logOf('#general').locator('[aria-current="true"]')).toHaveText(
    'The launch checklist is ready',
  );
  await alice.page.getByRole('button', { name: 'Close search' }).click();
  await expect(alice.searchResults).toBeHidden();
});

test.describe('with queries that find nothing or too much', () => {
  // Chromium logs the refused request itself.
  test.use({ allowedConsole: [/status of 400 \(Bad Request\).*\/api\/search/] });

  test('says what is wrong with a query, says when nothing matches, and loads more results', async ({
    newChatPage,
    server,
  }) => {
    for (let i = 1; i <= 25; i += 1) await server.send('bob', `status update ${i}`);
    const alice = await newChatPage();
    await alice.signIn('alice');
    await alice.expectLive();

    await alice.search('in:nowhere');
    await expect(alice.searchResults.getByRole('alert')).toHaveText('in: no channel named nowhere');

    await alice.search('zebra');
    await expect(alice.searchResults.getByText('No messages match.')).toBeVisible();
    await expect(alice.searchResults.getByRole('alert')).toHaveCount(0);

    await alice.search('update');
    const results = alice.searchResults.getByRole('listitem');
    await expect(results).toHaveCount(20);
    await expect(results.first()).toContainText('status update 25');
    await alice.searchResults.getByRole('button', { name: 'Load more' }).click();
    await expect(results).toHaveCount(25);
    await expect(results.last()).toContainText(/status update 1$/);
    await expect(alice.searchResults.getByRole('button', { name: 'Load more' })).toHaveCount(0);
  });
});
