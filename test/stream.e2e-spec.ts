import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Lifecycle } from '../src/common/lifecycle.js';
import { MessagesService } from '../src/messages/messages.service.js';
import { MessageStreamService } from '../src/messages/stream/message-stream.service.js';
import { SseClient } from './support/sse-client.js';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, createTestApp, FakeClock, listen, type TestUser } from './support/test-app.js';

interface Message {
  id: number;
  user: string;
  text: string;
}

const fast = { SEND_RATE_PER_SECOND: '10000', SEND_BURST: '10000' };

afterAll(removeTestStores);

describe.each(TEST_STORES)(
  'live delivery on the $name store (API.md GET /api/stream, GET /api/messages with wait)',
  ({ store }) => {
    let app: NestExpressApplication;
    let base: string;
    const clients: { close(): void }[] = [];
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await app.close();
    });

    async function start(options: Parameters<typeof createTestApp>[0] = {}) {
      app = await createTestApp({ ...options, env: { STORE: await store(), ...fast, ...options.env } });
      base = await listen(app);
    }
    const send = async (user: TestUser, text: string): Promise<Message> =>
      (
        await request(base)
          .post('/api/messages')
          .set('Authorization', authOf(user))
          .send({ text })
          .expect(201)
      ).body;
    const stream = async (user: TestUser, headers: Record<string, string> = {}, query = '') => {
      const client = await SseClient.open(`${base}/api/stream${query}`, {
        Authorization: authOf(user),
        ...headers,
      });
      clients.push(client);
      return client;
    };
    const ids = (messages: { id: number }[]) => messages.map((m) => m.id);

    describe('GET /api/stream', () => {
      it('starts with retry: 3000 as text/event-stream and delivers a message posted by another user, as GET shows it', async () => {
        await start();
        const bob = await stream('bob');
        expect(bob.response.statusCode).toBe(200);
        expect(bob.response.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(bob.response.headers['x-accel-buffering']).toBe('no');

        const sent = await send('alice', 'hello bob');
        await bob.until((c) => c.messages.length === 1);
        const page = await request(base).get('/api/messages').set('Authorization', authOf('bob')).expect(200);
        expect(bob.messages).toEqual(page.body.messages);
        expect(bob.events[0]).toEqual({ event: 'message', id: String(sent.id), data: JSON.stringify(sent) });
      });

      it('refuses new streams with 503 and Retry-After once shutdown has begun, so clients go elsewhere', async () => {
        await start();
        app.get(Lifecycle).beginDraining();
        const res = await request(base).get('/api/stream').set('Authorization', authOf('bob')).expect(503);
        expect(res.headers['retry-after']).toBe('3');
        expect(res.body.message).toBe('Shutting down; reconnect');
      });

      it('needs credentials', async () => {
        await start();
        await request(base).get('/api/stream').expect(401);
      });

      it('rejects a Last-Event-ID that is not an id with 400', async () => {
        await start();
        await request(base)
          .get('/api/stream')
          .set('Authorization', authOf('bob'))
          .set('Last-Event-ID', 'abc')
          .expect(400);
        await request(base).get('/api/stream?lastEventId=-5').set('Authorization', authOf('bob')).expect(400);
      });

      it.each([
        ['the Last-Event-ID header', (id: number) => [{ 'Last-Event-ID': String(id) }, ''] as const],
        ['the lastEventId query', (id: number) => [{}, `?lastEventId=${id}`] as const],
      ])(
        'resumes with %s: every id exactly once, in order, with messages posted during the reconnect',
        async (_name, resumeWith) => {
          await start();
          const first = await stream('bob');
          const early = [await send('alice', 'e1'), await send('carol', 'e2')];
          await first.until((c) => c.messages.length === 2);
          first.close();
          const lastSeen = first.messages.at(-1)!.id;

          const posted = [...early];
          for (let i = 0; i < 100; i++) posted.push(await send('alice', `while away ${i}`));
          // The other hundred race the reconnect and its replay.
          const racing = (async () => {
            for (let i = 0; i < 100; i++) posted.push(await send(i % 2 ? 'carol' : 'alice', `racing ${i}`));
          })();
          const [headers, query] = resumeWith(lastSeen);
          const resumed = await stream('bob', headers, query);
          await racing;
          await resumed.until((c) => c.messages.length >= 200, '200 messages');

          expect(ids([...first.messages, ...resumed.messages])).toEqual(ids(posted));
        },
      );

      it('sends reset with the oldest retained id when resuming from an evicted id; none when resuming exactly at the newest evicted one', async () => {
        await start({ env: { MAX_MESSAGES: '5' } });
        const sent: Message[] = [];
        for (let i = 0; i < 10; i++) sent.push(await send('alice', `m${i}`));

        const behind = await stream('bob', { 'Last-Event-ID': String(sent[2].id) });
        await behind.until((c) => c.events.length >= 1, 'reset');
        expect(behind.events[0]).toEqual({ event: 'reset', data: JSON.stringify({ oldestId: sent[5].id }) });
        const live = await send('carol', 'after the reset');
        await behind.until((c) => c.messages.some((m) => m.id === live.id), 'the live message');

        // The live message pushed sent[5] out: it is now the newest evicted one.
        const exact = await stream('bob', { 'Last-Event-ID': String(sent[5].id) });
        await exact.until((c) => c.messages.length === 5);
        expect(exact.events.every((e) => e.event === 'message')).toBe(true);
        expect(ids(exact.messages)).toEqual(ids([...sent.slice(6), live]));
      });

      it('sends reset with oldestId null when nothing is retained any more', async () => {
        const clock = new FakeClock();
        await start({ clock, env: { MESSAGE_TTL_SECONDS: '60' } });
        const old = await send('alice', 'soon gone');
        clock.advance(61_000);
        const client = await stream('bob', { 'Last-Event-ID': String(old.id - 1) });
        await client.until((c) => c.events.length >= 1);
        expect(client.events[0]).toEqual({ event: 'reset', data: '{"oldestId":null}' });
      });

      it('refuses an 11th concurrent stream of one user with 429 while 10 are open', async () => {
        await start();
        for (let i = 0; i < 10; i++) expect((await stream('carol')).response.statusCode).toBe(200);
        const res = await request(base).get('/api/stream').set('Authorization', authOf('carol')).expect(429);
        expect(res.headers['retry-after']).toBeDefined();
        expect((await stream('alice')).response.statusCode).toBe(200);

        clients.shift()!.close();
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await stream('carol')).response.statusCode).toBe(200);
      });

      it('disconnects a client that does not read, while the others still get every message', async () => {
        await start({ env: { STREAM_MAX_BUFFER_BYTES: String(512 * 1024) } });
        const streams = app.get(MessageStreamService);
        silentStream('carol');
        await until(() => streams.openCount === 1);
        const reader = await stream('bob');
        const text = '😀'.repeat(4000); // 16 KB a frame
        const sent: number[] = [];
        for (let batch = 0; batch < 200 && streams.openCount === 2; batch++) {
          const results = await Promise.all(Array.from({ length: 10 }, () => send('alice', text)));
          sent.push(...ids(results));
        }
        expect(streams.openCount).toBe(1);
        await reader.until((c) => c.messages.length === sent.length, 'every message');
        expect(ids(reader.messages)).toEqual(sent);
      });

      /** A stream client that never reads: the kernel buffers fill, then the server's. */
      function silentStream(user: TestUser): void {
        const { port } = new URL(base);
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', () => {});
        socket.write(`GET /api/stream HTTP/1.1\r\nHost: x\r\nAuthorization: ${authOf(user)}\r\n\r\n`);
        socket.pause();
        clients.push({ close: () => socket.destroy() });
      }

      it('sends a ping comment at the configured interval', async () => {
        await start({ env: { STREAM_PING_SECONDS: '1' } });
        const client = await stream('bob');
        let raw = '';
        client.response.on('data', (chunk: string) => (raw += chunk));
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(raw).toContain(': ping\n\n');
      });
    });

    describe('long poll: GET /api/messages?after=X&wait=N', () => {
      const poll = (query: string) =>
        request(base).get(`/api/messages${query}`).set('Authorization', authOf('bob'));

      it('returns as soon as a newer message is stored', async () => {
        await start();
        const last = await send('alice', 'before');
        const held = poll(`?after=${last.id}&wait=30`).then((res) => res);
        await until(() => app.get(MessagesService).waitingCount === 1);
        const next = await send('alice', 'wakes the poll');
        const res = await held;
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ messages: [next], hasOlder: true, hasNewer: false });
      });

      it('returns at once when newer messages exist already', async () => {
        await start();
        const first = await send('alice', 'one');
        const second = await send('alice', 'two');
        expect((await poll(`?after=${first.id}&wait=30`).expect(200)).body.messages).toEqual([second]);
      });

      it('returns an empty list after the wait', async () => {
        await start();
        const last = await send('alice', 'only');
        const res = await poll(`?after=${last.id}&wait=1`).expect(200);
        expect(res.body).toEqual({ messages: [], hasOlder: true, hasNewer: false });
        expect(app.get(MessagesService).waitingCount).toBe(0);
      });

      it('releases the waiter when the client goes away', async () => {
        await start();
        const req = httpRequest(`${base}/api/messages?after=0&wait=30`, {
          headers: { Authorization: authOf('bob') },
        });
        req.on('error', () => {});
        req.end();
        await until(() => app.get(MessagesService).waitingCount === 1);
        req.destroy();
        await until(() => app.get(MessagesService).waitingCount === 0);
      });

      it.each([
        ['wait without after', '?wait=5'],
        ['wait over 30', '?after=0&wait=31'],
        ['a negative wait', '?after=0&wait=-1'],
        ['wait with before', '?before=5&wait=1'],
      ])('rejects %s with 400', async (_name, query) => {
        await start();
        await poll(query).expect(400);
      });
    });
  },
);

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
