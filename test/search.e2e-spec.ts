import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, createTestApp, listen, type TestUser } from './support/test-app.js';

interface Result {
  message: { id: number; channel: string; user: string; text: string };
  channel: { name: string; kind: string; private: boolean; member: boolean; members?: string[] };
  highlights: [number, number][];
}

afterAll(removeTestStores);

describe.each(TEST_STORES)('GET /api/search on the $name store (API.md, Search)', ({ store }) => {
  let app: NestExpressApplication;
  let base: string;
  afterEach(async () => {
    await app.close();
  });

  async function start() {
    app = await createTestApp({
      env: { STORE: await store(), SEND_RATE_PER_SECOND: '10000', SEND_BURST: '10000' },
    });
    base = await listen(app);
  }
  const as = (user: TestUser) => ({
    get: (path: string) => request(base).get(`/api${path}`).set('Authorization', authOf(user)),
    post: (path: string, body: object = {}) =>
      request(base).post(`/api${path}`).set('Authorization', authOf(user)).send(body),
  });
  const search = (user: TestUser, q: string, extra = '') =>
    as(user).get(`/search?q=${encodeURIComponent(q)}${extra}`);
  const texts = (body: { results: Result[] }) => body.results.map((r) => r.message.text);

  it('finds messages with highlights, newest first, with their channel', async () => {
    await start();
    await as('alice').post('/messages', { text: 'The Café opens at nine' }).expect(201);
    await as('bob').post('/messages', { text: 'café 🚀 or tea?' }).expect(201);
    await as('bob').post('/messages', { text: 'nothing here' }).expect(201);

    const { body } = await search('carol', 'cafe').expect(200);
    expect(body.hasMore).toBe(false);
    expect(texts(body)).toEqual(['café 🚀 or tea?', 'The Café opens at nine']);
    expect(body.results[1]).toEqual({
      message: expect.objectContaining({ user: 'alice', channel: 'general', text: 'The Café opens at nine' }),
      channel: expect.objectContaining({ name: 'general', kind: 'channel', private: false, member: true }),
      highlights: [[4, 8]],
    });
    const tea = (await search('carol', 'tea 🚀').expect(200)).body.results[0] as Result;
    expect(tea.highlights.map(([s, e]) => tea.message.text.slice(s, e))).toEqual(['🚀', 'tea']);
  });

  it('searches only the channels the user can read, and DMs by in:@user', async () => {
    await start();
    await as('bob').post('/channels', { name: 'secret', private: true }).expect(201);
    await as('bob').post('/channels/secret/messages', { text: 'launch codes' }).expect(201);
    await as('bob').post('/channels', { name: 'open', private: false }).expect(201);
    await as('bob').post('/channels/open/messages', { text: 'launch party' }).expect(201);
    const dm = (
      await as('bob')
        .post('/dms', { users: ['alice'] })
        .expect(201)
    ).body as { name: string };
    await as('bob').post(`/channels/${dm.name}/messages`, { text: 'launch plans for two' }).expect(201);

    expect(texts((await search('carol', 'launch').expect(200)).body)).toEqual(['launch party']);
    expect(texts((await search('alice', 'launch').expect(200)).body)).toEqual([
      'launch plans for two',
      'launch party',
    ]);
    expect(texts((await search('bob', 'launch').expect(200)).body)).toHaveLength(3);
    const inDm = (await search('alice', 'launch in:@bob').expect(200)).body as { results: Result[] };
    expect(inDm.results.map((r) => r.channel)).toEqual([
      expect.objectContaining({ name: dm.name, kind: 'dm', members: ['alice', 'bob'] }),
    ]);
    // A private channel the user is not in is unknown, exactly like one that does not exist.
    const hidden = await search('carol', 'launch in:secret').expect(400);
    const missing = await search('carol', 'launch in:nowhere').expect(400);
    expect(hidden.body.message).toBe('in: no channel named secret');
    expect(missing.body.message).toBe('in: no channel named nowhere');
  });

  it('pages with before= until hasMore is false, without gaps or repeats', async () => {
    await start();
    const sent: number[] = [];
    for (let i = 0; i < 7; i++) {
      sent.push(
        (
          await as('alice')
            .post('/messages', { text: `report ${i}` })
            .expect(201)
        ).body.id as number,
      );
    }
    const seen: number[] = [];
    let before = '';
    for (;;) {
      const { body } = await search('bob', 'report', `&limit=3${before}`).expect(200);
      seen.push(...(body.results as Result[]).map((r) => r.message.id));
      if (!body.hasMore) break;
      before = `&before=${seen.at(-1)}`;
    }
    expect(seen).toEqual(sent.reverse());
  });

  it.each([
    ['', 'q must be longer than or equal to 1 characters'],
    ['-only', 'Search for at least one word, phrase or filter (exclusions alone find everything)'],
    ['"open', 'The quote at character 1 is not closed'],
    ['from:', 'from: needs a value, as in from:alice'],
    [
      'after:yesterday',
      'after: "yesterday" is not a date; use YYYY-MM-DD or an ISO time such as 2026-11-01T10:00:00Z',
    ],
    ['has:file', 'has: knows only "link", not "file"'],
  ])('answers 400 to the query %j, saying what is wrong', async (q, message) => {
    await start();
    const { body } = await search('alice', q).expect(400);
    expect([body.message].flat()).toEqual([message]);
  });

  it('answers 400 to bad limit and before, and 401 without credentials', async () => {
    await start();
    await search('alice', 'x', '&limit=0').expect(400);
    await search('alice', 'x', '&limit=101').expect(400);
    await search('alice', 'x', '&before=abc').expect(400);
    await request(base).get('/api/search?q=x').expect(401);
  });
});
