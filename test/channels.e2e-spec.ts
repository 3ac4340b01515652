import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { SseClient } from './support/sse-client.js';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, createTestApp, listen, type TestUser } from './support/test-app.js';

interface Message {
  id: number;
  channel: string;
  user: string;
  text: string;
}

interface Channel {
  name: string;
  kind: 'channel' | 'dm';
  private: boolean;
  member: boolean;
  role?: string;
  unread?: number;
  members?: string[];
}

afterAll(removeTestStores);

describe.each(TEST_STORES)('channels and DMs on the $name store (API.md, Channels)', ({ store }) => {
  let app: NestExpressApplication;
  let base: string;
  const clients: SseClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app.close();
  });

  async function start(env: Record<string, string> = {}) {
    app = await createTestApp({
      env: { STORE: await store(), SEND_RATE_PER_SECOND: '10000', SEND_BURST: '10000', ...env },
    });
    base = await listen(app);
  }
  const as = (user: TestUser) => ({
    get: (path: string) => request(base).get(`/api${path}`).set('Authorization', authOf(user)),
    post: (path: string, body: object = {}) =>
      request(base).post(`/api${path}`).set('Authorization', authOf(user)).send(body),
    delete: (path: string) => request(base).delete(`/api${path}`).set('Authorization', authOf(user)),
  });
  const stream = async (user: TestUser, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${base}/api/stream`, { Authorization: authOf(user), ...headers });
    clients.push(client);
    return client;
  };
  const names = async (user: TestUser) =>
    ((await as(user).get('/channels').expect(200)).body.channels as Channel[]).map((c) => c.name);
  /** A private channel of bob's with alice in it. */
  async function secret() {
    await as('bob').post('/channels', { name: 'secret', private: true }).expect(201);
    await as('bob').post('/channels/secret/members', { username: 'alice' }).expect(201);
  }

  it('lists general for everyone, and creates a channel whose creator is its owner', async () => {
    await start();
    expect(await names('carol')).toEqual(['general']);
    const created = await as('bob')
      .post('/channels', { name: 'design', topic: 'pixels', private: false })
      .expect(201);
    expect(created.body).toEqual({
      name: 'design',
      kind: 'channel',
      topic: 'pixels',
      private: false,
      member: true,
      role: 'owner',
      unread: 0,
      lastMessageId: null,
    });
    expect(await names('carol')).toEqual(['design', 'general']);
    await as('carol').post('/channels', { name: 'design', private: true }).expect(409);
  });

  it.each([
    [{ name: 'Design', private: false }, 'name must be'],
    [{ name: 'dm-abc', private: false }, 'dm-'],
    [{ name: 'x', private: 'yes' }, 'private must be a boolean'],
    [{ name: 'x', private: false, topic: 'x'.repeat(251) }, 'topic'],
    [{ name: 'x', private: false, owner: 'carol' }, 'owner should not exist'],
  ])('refuses a bad channel %j with 400', async (body, message) => {
    await start();
    const res = await as('bob').post('/channels', body).expect(400);
    expect(String(res.body.message)).toContain(message);
    expect(await names('bob')).toEqual(['general']);
  });

  it('hides a private channel from non-members on every route: 404 as if it did not exist', async () => {
    await start();
    await secret();
    await as('alice').post('/channels/secret/messages', { text: 'for bob and alice' }).expect(201);
    expect(await names('carol')).toEqual(['general']);
    for (const path of ['/channels/secret', '/channels/secret/messages', '/channels/secret/members']) {
      const res = await as('carol').get(path).expect(404);
      expect(res.body.message).toBe('No channel secret');
      expect((await as('carol').get(path.replace('secret', 'nothing')).expect(404)).body.message).toBe(
        'No channel nothing',
      );
    }
    await as('carol').post('/channels/secret/messages', { text: 'let me in' }).expect(404);
    await as('carol').post('/channels/secret/join').expect(404);
    await as('carol').post('/channels/secret/leave').expect(404);
    await as('carol').post('/channels/secret/read', { lastReadId: 1 }).expect(404);
    await as('carol').post('/channels/secret/members', { username: 'carol' }).expect(404);
    await as('carol').delete('/channels/secret/members/alice').expect(404);
    expect((await as('bob').get('/channels/secret/messages').expect(200)).body.messages).toHaveLength(1);
    // A member joining again changes nothing.
    expect((await as('alice').post('/channels/secret/join').expect(200)).body).toMatchObject({
      member: true,
    });
  });

  it('lets anyone read a public channel, but only members post; join and leave', async () => {
    await start();
    await as('bob').post('/channels', { name: 'design', private: false }).expect(201);
    await as('bob').post('/channels/design/messages', { text: 'hello design' }).expect(201);
    const preview = await as('carol').get('/channels/design').expect(200);
    expect(preview.body).toMatchObject({ name: 'design', member: false });
    expect(preview.body.unread).toBeUndefined();
    expect((await as('carol').get('/channels/design/messages').expect(200)).body.messages).toHaveLength(1);
    const refused = await as('carol').post('/channels/design/messages', { text: 'hi' }).expect(403);
    expect(refused.body.message).toBe('Join the channel first');

    expect((await as('carol').post('/channels/design/join').expect(200)).body).toMatchObject({
      member: true,
    });
    await as('carol').post('/channels/design/join').expect(200);
    await as('carol').post('/channels/design/messages', { text: 'hi' }).expect(201);
    await as('carol').post('/channels/design/leave').expect(204);
    await as('carol').post('/channels/design/messages', { text: 'again' }).expect(403);
    expect((await as('carol').post('/channels/general/leave').expect(400)).body.message).toContain('general');
  });

  it("lets only a channel's owners and admins manage its members", async () => {
    await start();
    await as('bob').post('/channels', { name: 'design', private: false }).expect(201);
    await as('carol').post('/channels/design/join').expect(200);
    const refused = await as('carol').post('/channels/design/members', { username: 'dave' }).expect(403);
    expect(refused.body.message).toContain('owners and admins');
    await as('carol').delete('/channels/design/members/bob').expect(403);
    // alice is an admin in the test user file.
    await as('alice').post('/channels/design/members', { username: 'dave' }).expect(201);
    await as('bob').post('/channels/design/members', { username: 'nobody' }).expect(404);
    await as('bob').delete('/channels/design/members/carol').expect(204);
    await as('bob').delete('/channels/design/members/carol').expect(404);
    const members = (await as('zoe').get('/channels/design/members').expect(200)).body.members;
    expect(members.map((m: { username: string; role: string }) => `${m.username}:${m.role}`)).toEqual([
      'bob:owner',
      'dave:member',
    ]);
    await as('alice').post('/channels/general/members', { username: 'dave' }).expect(400);
  });

  it('finds a DM by its member set, shows it only to its members, and refuses bad sets', async () => {
    await start();
    const created = await as('alice')
      .post('/dms', { users: ['bob'] })
      .expect(201);
    expect(created.body).toMatchObject({
      kind: 'dm',
      private: true,
      member: true,
      members: ['alice', 'bob'],
    });
    expect(created.body.name).toMatch(/^dm-[0-9a-f]{12}$/);
    const found = await as('bob')
      .post('/dms', { users: ['alice', 'bob'] })
      .expect(200);
    expect(found.body.name).toBe(created.body.name);
    const group = await as('alice')
      .post('/dms', { users: ['bob', 'carol'] })
      .expect(201);
    expect(group.body.name).not.toBe(created.body.name);

    await as('bob').post(`/channels/${created.body.name}/messages`, { text: 'psst' }).expect(201);
    expect(await names('carol')).toEqual(['general', group.body.name]);
    await as('carol').get(`/channels/${created.body.name}/messages`).expect(404);
    await as('alice').post(`/channels/${created.body.name}/leave`).expect(400);

    await as('alice')
      .post('/dms', { users: ['alice'] })
      .expect(400);
    await as('alice').post('/dms', { users: [] }).expect(400);
    await as('alice')
      .post('/dms', { users: ['bob', 'carol', 'dave', 'zoe', 'a', 'b', 'c', 'd'] })
      .expect(400);
    expect(
      (
        await as('alice')
          .post('/dms', { users: ['nobody'] })
          .expect(404)
      ).body.message,
    ).toBe('No user nobody');
  });

  it('streams the messages of the user’s channels only, each with its channel, and membership events', async () => {
    await start();
    await secret();
    const alice = await stream('alice');
    const carol = await stream('carol');
    const bob = await stream('bob');

    await as('bob').post('/channels/secret/messages', { text: 'secret 1' }).expect(201);
    await as('carol').post('/messages', { text: 'general 1' }).expect(201);
    await alice.until((c) => c.messages.length === 2);
    expect(alice.messages.map((m) => `${m.channel}:${m.text}`)).toEqual([
      'secret:secret 1',
      'general:general 1',
    ]);
    await carol.until((c) => c.messages.length === 1);

    await as('bob').post('/channels/secret/members', { username: 'carol' }).expect(201);
    await carol.until((c) => c.events.some((e) => e.event === 'member-joined'));
    expect(carol.events.find((e) => e.event === 'member-joined')?.data).toBe(
      JSON.stringify({ channel: 'secret', username: 'carol' }),
    );
    await as('bob').post('/channels/secret/messages', { text: 'secret 2' }).expect(201);
    await carol.until((c) => c.messages.length === 2);

    // Removed: told so, and nothing of the channel after that.
    await as('bob').delete('/channels/secret/members/carol').expect(204);
    await carol.until((c) => c.events.some((e) => e.event === 'member-left'));
    await as('bob').post('/channels/secret/messages', { text: 'secret 3' }).expect(201);
    await as('bob').post('/messages', { text: 'general 2' }).expect(201);
    await carol.until((c) => c.messages.some((m) => m.text === 'general 2'));
    expect(carol.messages.map((m) => m.text)).toEqual(['general 1', 'secret 2', 'general 2']);

    await as('alice').post('/channels', { name: 'news', private: false }).expect(201);
    await bob.until((c) => c.events.some((e) => e.event === 'channel-created'));
    expect(JSON.parse(bob.events.find((e) => e.event === 'channel-created')!.data)).toMatchObject({
      name: 'news',
    });
  });

  it('resumes across channels with one Last-Event-ID, leaving out channels the user is not in', async () => {
    await start();
    await secret();
    const first = (await as('alice').post('/messages', { text: 'g1' }).expect(201)).body as Message;
    await as('bob').post('/channels/secret/messages', { text: 's1' }).expect(201);
    await as('carol').post('/messages', { text: 'g2' }).expect(201);
    const dm = (
      await as('carol')
        .post('/dms', { users: ['bob'] })
        .expect(201)
    ).body as Channel;
    await as('carol').post(`/channels/${dm.name}/messages`, { text: 'd1' }).expect(201);

    const alice = await stream('alice', { 'Last-Event-ID': String(first.id) });
    await alice.until((c) => c.messages.length === 2);
    expect(alice.messages.map((m) => m.text)).toEqual(['s1', 'g2']);
    const bob = await stream('bob', { 'Last-Event-ID': String(first.id) });
    await bob.until((c) => c.messages.length === 3);
    expect(bob.messages.map((m) => m.text)).toEqual(['s1', 'g2', 'd1']);
  });

  it('counts unread messages per member from the read marker, which never moves back', async () => {
    await start();
    await secret();
    const sent: Message[] = [];
    for (const text of ['a', 'b', 'c']) {
      sent.push((await as('bob').post('/channels/secret/messages', { text }).expect(201)).body as Message);
    }
    const unread = async () =>
      ((await as('alice').get('/channels').expect(200)).body.channels as Channel[]).find(
        (c) => c.name === 'secret',
      )?.unread;
    expect(await unread()).toBe(3);
    await as('alice').post('/channels/secret/read', { lastReadId: sent[1].id }).expect(204);
    expect(await unread()).toBe(1);
    await as('alice').post('/channels/secret/read', { lastReadId: sent[0].id }).expect(204);
    expect(await unread()).toBe(1);
    await as('alice').post('/channels/secret/read', { lastReadId: -1 }).expect(400);
    expect((await as('alice').get('/channels/secret').expect(200)).body).toMatchObject({
      unread: 1,
      lastMessageId: sent[2].id,
    });
  });

  it('applies the count cap per channel', async () => {
    await start({ MAX_MESSAGES: '2' });
    await secret();
    for (const text of ['s1', 's2', 's3'])
      await as('bob').post('/channels/secret/messages', { text }).expect(201);
    await as('bob').post('/messages', { text: 'g1' }).expect(201);
    const texts = async (path: string) =>
      ((await as('bob').get(path).expect(200)).body.messages as Message[]).map((m) => m.text);
    expect(await texts('/channels/secret/messages')).toEqual(['s2', 's3']);
    expect(await texts('/messages')).toEqual(['g1']);
    expect(await texts('/channels/general/messages')).toEqual(['g1']);
  });
});
