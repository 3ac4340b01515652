import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, createTestApp as createAppOn, FakeClock, type TestUser } from './support/test-app.js';

interface Message {
  id: number;
  user: string;
  text: string;
  createdAt: string;
  clientMsgId?: string;
}

afterAll(removeTestStores);

describe.each(TEST_STORES)(
  'messages on the $name store (API.md POST/GET /api/messages, Retention)',
  ({ store }) => {
    let app: NestExpressApplication;
    afterEach(() => app?.close());
    /** The app on a new, empty store of this kind. */
    const createTestApp = async (options: Parameters<typeof createAppOn>[0] = {}) =>
      createAppOn({ ...options, env: { STORE: await store(), ...options.env } });

    const http = () => request(app.getHttpServer());
    const send = (user: TestUser, body: unknown) =>
      http()
        .post('/api/messages')
        .set('Authorization', authOf(user))
        .send(body as object);
    const list = async (query = ''): Promise<{ messages: Message[]; hasOlder: boolean; hasNewer: boolean }> =>
      (await http().get(`/api/messages${query}`).set('Authorization', authOf('alice')).expect(200)).body;
    const count = async () => (await list('?limit=1000')).messages.length;
    /** Allows many sends in one test; rate limiting has its own test. */
    const fast = { SEND_RATE_PER_SECOND: '10000', SEND_BURST: '10000' };

    describe('POST /api/messages', () => {
      it('stores a message from the authenticated user and answers 201 with it', async () => {
        const clock = new FakeClock();
        app = await createTestApp({ clock });
        const res = await send('alice', { text: 'hello' }).expect(201);
        expect(res.body).toEqual({
          id: expect.any(Number),
          channel: 'general',
          user: 'alice',
          text: 'hello',
          createdAt: new Date(clock.time).toISOString(),
        });
        expect((await list()).messages).toEqual([res.body]);
      });

      it('stores the text exactly as sent, including surrounding spaces, newlines and tabs', async () => {
        app = await createTestApp();
        const text = '  line one\n\tline two  ';
        expect((await send('alice', { text }).expect(201)).body.text).toBe(text);
        expect((await list()).messages[0].text).toBe(text);
      });

      it('rejects an unknown field such as "user" with 400 and stores nothing', async () => {
        app = await createTestApp();
        const res = await send('alice', { text: 'hi', user: 'bob' }).expect(400);
        expect(res.body.message).toEqual(['property user should not exist']);
        expect(await count()).toBe(0);
      });

      it('accepts 4000 code points, counting an emoji as one', async () => {
        app = await createTestApp();
        await send('alice', { text: '😀'.repeat(4000) }).expect(201);
        await send('alice', { text: 'a'.repeat(4000) }).expect(201);
      });

      it('rejects a text longer than 4000 characters', async () => {
        app = await createTestApp();
        const res = await send('alice', { text: 'a'.repeat(4001) }).expect(400);
        expect(res.body.message).toEqual(['text must be at most 4000 characters']);
        await send('alice', { text: '😀'.repeat(4001) }).expect(400);
        expect(await count()).toBe(0);
      });

      it.each([
        ['empty', ''],
        ['only whitespace', ' \n\t\u00a0\u2003 '],
      ])('rejects a text that is %s', async (_name, text) => {
        app = await createTestApp();
        const res = await send('alice', { text }).expect(400);
        expect(res.body.message).toEqual(['text must not be empty or only whitespace']);
        expect(await count()).toBe(0);
      });

      it.each([
        ['NUL', '\u0000'],
        ['ESC', '\u001b[31m'],
        ['carriage return', '\r'],
        ['DEL', '\u007f'],
        ['C1 control', '\u0085'],
      ])('rejects a text with a control character (%s)', async (_name, control) => {
        app = await createTestApp();
        await send('alice', { text: `a${control}b` }).expect(400);
        expect(await count()).toBe(0);
      });

      it.each([
        ['a number', { text: 5 }],
        ['null', { text: null }],
        ['missing', {}],
        ['an object', { text: { a: 1 } }],
      ])('rejects a text that is %s', async (_name, body) => {
        app = await createTestApp();
        await send('alice', body).expect(400);
        expect(await count()).toBe(0);
      });

      it.each([
        ['empty', ''],
        ['over 64 characters', 'x'.repeat(65)],
        ['not a string', 42],
      ])('rejects a clientMsgId that is %s', async (_name, clientMsgId) => {
        app = await createTestApp();
        await send('alice', { text: 'hi', clientMsgId }).expect(400);
        expect(await count()).toBe(0);
      });

      it('answers a retry with the same clientMsgId with 200 and the original message, storing nothing new', async () => {
        const clock = new FakeClock();
        app = await createTestApp({ clock });
        const first = await send('alice', { text: 'once', clientMsgId: 'c-1' }).expect(201);
        expect(first.body.clientMsgId).toBe('c-1');
        clock.advance(5000);
        const retry = await send('alice', { text: 'once', clientMsgId: 'c-1' }).expect(200);
        expect(retry.body).toEqual(first.body);
        expect(await count()).toBe(1);
      });

      it('treats the same clientMsgId from another user as a new message', async () => {
        app = await createTestApp();
        await send('alice', { text: 'a', clientMsgId: 'same' }).expect(201);
        const bob = await send('bob', { text: 'b', clientMsgId: 'same' }).expect(201);
        expect(bob.body.user).toBe('bob');
        expect(await count()).toBe(2);
      });

      it('stores a clientMsgId again once the original is no longer retained', async () => {
        const clock = new FakeClock();
        app = await createTestApp({ clock, env: { MESSAGE_TTL_SECONDS: '60' } });
        await send('alice', { text: 'a', clientMsgId: 'c' }).expect(201);
        clock.advance(61_000);
        await send('alice', { text: 'a', clientMsgId: 'c' }).expect(201);
      });

      it('limits each user to the send rate (burst 20) with 429 and Retry-After, and recovers with time', async () => {
        app = await createTestApp();
        for (let i = 0; i < 20; i++) await send('alice', { text: `m${i}` }).expect(201);
        const limited = await send('alice', { text: 'one too many' }).expect(429);
        expect(Number(limited.headers['retry-after'])).toBe(1);
        await send('bob', { text: 'bob is not limited' }).expect(201);
        // 10 per one-second window (real time, not the Clock's): the next window begins within Retry-After.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await send('alice', { text: 'allowed again' }).expect(201);
        expect(await count()).toBe(22);
      });

      it('gives 50 concurrent POSTs from several users unique ids, all stored', async () => {
        app = await createTestApp();
        const users: TestUser[] = ['alice', 'bob', 'carol', 'dave', 'zoe'];
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => send(users[i % users.length], { text: `concurrent ${i}` })),
        );
        expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
        const ids = results.map((r) => (r.body as Message).id);
        expect(new Set(ids).size).toBe(50);
        const stored = (await list('?limit=1000')).messages.map((m) => m.id);
        expect(stored).toEqual([...ids].sort((a, b) => a - b));
      });

      it('keeps ids strictly increasing after the app is closed and started again', async () => {
        app = await createTestApp();
        const before = (await send('alice', { text: 'before restart' }).expect(201)).body.id as number;
        await app.close();
        app = await createTestApp();
        const after = (await send('alice', { text: 'after restart' }).expect(201)).body.id as number;
        expect(after).toBeGreaterThan(before);
        expect(Number.isSafeInteger(after)).toBe(true);
      });

      it('keeps ids strictly increasing when the clock stands still or goes back', async () => {
        const clock = new FakeClock();
        app = await createTestApp({ clock, env: fast });
        const a = (await send('alice', { text: '1' })).body.id as number;
        const b = (await send('alice', { text: '2' })).body.id as number;
        clock.advance(-60_000);
        const c = (await send('alice', { text: '3' })).body.id as number;
        expect(b).toBeGreaterThan(a);
        expect(c).toBeGreaterThan(b);
      });
    });

    describe('GET /api/messages', () => {
      async function seed(n: number, clock?: FakeClock): Promise<Message[]> {
        const sent: Message[] = [];
        for (let i = 0; i < n; i++) {
          sent.push((await send('alice', { text: `m${i}` }).expect(201)).body);
          clock?.advance(10);
        }
        return sent;
      }

      it('answers the newest 50 in ascending order by default', async () => {
        app = await createTestApp({ env: fast });
        const sent = await seed(60);
        const page = await list();
        expect(page.messages.map((m) => m.id)).toEqual(sent.slice(10).map((m) => m.id));
        expect(page).toMatchObject({ hasOlder: true, hasNewer: false });
      });

      it('answers the newest `limit` messages', async () => {
        app = await createTestApp({ env: fast });
        const sent = await seed(5);
        expect((await list('?limit=2')).messages).toEqual(sent.slice(3));
      });

      it('answers the newest `limit` messages with id < before', async () => {
        app = await createTestApp({ env: fast });
        const sent = await seed(10);
        const page = await list(`?before=${sent[6].id}&limit=3`);
        expect(page.messages).toEqual(sent.slice(3, 6));
        expect(page).toMatchObject({ hasOlder: true, hasNewer: true });
      });

      it('answers the oldest `limit` messages with id > after; after=0 starts at the oldest', async () => {
        app = await createTestApp({ env: fast });
        const sent = await seed(10);
        const page = await list(`?after=${sent[2].id}&limit=3`);
        expect(page.messages).toEqual(sent.slice(3, 6));
        expect(page).toMatchObject({ hasOlder: true, hasNewer: true });
        const first = await list('?after=0&limit=4');
        expect(first.messages).toEqual(sent.slice(0, 4));
        expect(first).toMatchObject({ hasOlder: false, hasNewer: true });
        const caughtUp = await list(`?after=${sent[9].id}`);
        expect(caughtUp).toEqual({ messages: [], hasOlder: true, hasNewer: false });
      });

      it('walks every retained message exactly once by paging back with before and forward with after', async () => {
        app = await createTestApp({ env: fast });
        const ids = (await seed(120)).map((m) => m.id);

        const back: number[] = [];
        let page = await list('?limit=7');
        back.unshift(...page.messages.map((m) => m.id));
        while (page.hasOlder) {
          page = await list(`?before=${back[0]}&limit=7`);
          back.unshift(...page.messages.map((m) => m.id));
        }
        expect(back).toEqual(ids);

        const forward: number[] = [];
        page = await list('?after=0&limit=7');
        forward.push(...page.messages.map((m) => m.id));
        while (page.hasNewer) {
          page = await list(`?after=${forward.at(-1)}&limit=7`);
          forward.push(...page.messages.map((m) => m.id));
        }
        expect(forward).toEqual(ids);
      });

      it.each([
        ['limit=0', '?limit=0'],
        ['limit=1001', '?limit=1001'],
        ['a non-integer limit', '?limit=abc'],
        ['a fractional limit', '?limit=1.5'],
        ['a negative before', '?before=-1'],
        ['before=0', '?before=0'],
        ['a non-integer after', '?after=x'],
        ['an id beyond 2^53', '?after=90071992547409930'],
        ['a repeated parameter', '?limit=1&limit=2'],
        ['before together with after', '?before=5&after=1'],
        ['wait without after', '?wait=5'],
        ['an unknown parameter', '?sort=desc'],
      ])('rejects %s with 400', async (_name, query) => {
        app = await createTestApp();
        const res = await http()
          .get(`/api/messages${query}`)
          .set('Authorization', authOf('alice'))
          .expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      });
    });

    describe('retention', () => {
      it('keeps at most MAX_MESSAGES: the oldest go first', async () => {
        app = await createTestApp({ env: { ...fast, MAX_MESSAGES: '5' } });
        const ids: number[] = [];
        for (let i = 0; i < 8; i++) ids.push((await send('bob', { text: `m${i}` })).body.id);
        const page = await list('?after=0&limit=1000');
        expect(page.messages.map((m) => m.id)).toEqual(ids.slice(3));
        expect(page.hasOlder).toBe(false);
        expect((await list(`?before=${ids[3]}`)).messages).toEqual([]);
      });

      it('never answers a message older than MESSAGE_TTL_SECONDS, even before eviction runs', async () => {
        const clock = new FakeClock();
        app = await createTestApp({
          clock,
          env: { MESSAGE_TTL_SECONDS: '60', EVICTION_INTERVAL_SECONDS: '60' },
        });
        const old = (await send('alice', { text: 'old' })).body as Message;
        clock.advance(30_000);
        const fresh = (await send('alice', { text: 'fresh' })).body as Message;
        clock.advance(30_001);
        const page = await list('?after=0');
        expect(page.messages).toEqual([fresh]);
        expect(page.hasOlder).toBe(false);
        expect((await list(`?before=${fresh.id}`)).messages).toEqual([]);
        expect((await list(`?after=${old.id - 1}`)).messages).toEqual([fresh]);
        clock.advance(30_000);
        expect((await list()).messages).toEqual([]);
      });
    });
  },
);
