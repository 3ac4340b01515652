import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { SseClient } from './support/sse-client.js';
import { newRedisPrefix, removeRedisPrefixes, TEST_REDIS_URL } from './support/redis.js';
import { newPostgresSchema, removeTestStores } from './support/stores.js';
import { authOf, basic, createTestApp, listen, type TestUser } from './support/test-app.js';

afterAll(removeTestStores);
afterAll(removeRedisPrefixes);

/** Retries `check` for up to 2 s: for what another instance learns over the bus. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const BUSES = [
  { bus: 'postgres', env: () => ({}) },
  {
    bus: 'redis',
    env: () => ({
      BUS: 'redis',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: newRedisPrefix(),
    }),
  },
];

/** Two instances on one PostgreSQL store, as behind a load balancer (docs/SCALING.md), with either bus. */
describe.each(BUSES)('two instances sharing a PostgreSQL store, bus $bus', ({ env: busEnv }) => {
  const apps: NestExpressApplication[] = [];
  const clients: SseClient[] = [];
  let a: string;
  let b: string;
  beforeEach(async () => {
    const store = await newPostgresSchema();
    const env = {
      STORE: store,
      SEND_RATE_PER_SECOND: '10000',
      SEND_BURST: '10000',
      SIGNUP: 'open',
      ...busEnv(),
    };
    for (let i = 0; i < 2; i++) apps.push(await createTestApp({ env }));
    [a, b] = await Promise.all(apps.map((app) => listen(app)));
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const as = (base: string, user: TestUser) => ({
    get: (path: string) => request(base).get(`/api${path}`).set('Authorization', authOf(user)),
    post: (path: string, body: object = {}) =>
      request(base).post(`/api${path}`).set('Authorization', authOf(user)).send(body),
  });
  const stream = async (base: string, user: TestUser) => {
    const client = await SseClient.open(`${base}/api/stream`, { Authorization: authOf(user) });
    clients.push(client);
    return client;
  };

  it('streams every message posted through either instance to both, once each and in id order', async () => {
    const onA = await stream(a, 'carol');
    const onB = await stream(b, 'carol');
    const posts = Array.from({ length: 40 }, (_, i) =>
      as(i % 2 === 0 ? a : b, i % 3 === 0 ? 'alice' : 'bob')
        .post('/messages', { text: `m${i}` })
        .expect(201),
    );
    const ids = (await Promise.all(posts)).map((res) => res.body.id as number);
    expect(new Set(ids).size).toBe(40);

    const all = [...ids].sort((x, y) => x - y);
    for (const client of [onA, onB]) {
      await client.until((c) => c.messages.length >= 40, '40 messages');
      expect(client.messages.map((m) => m.id)).toEqual(all);
    }
    const stored = await as(b, 'carol').get('/messages?limit=100').expect(200);
    expect(stored.body.messages.map((m: { id: number }) => m.id)).toEqual(all);
  });

  it('knows a channel, a DM and their members made through the other instance at once', async () => {
    const bobOnB = await stream(b, 'bob');
    await as(a, 'alice').post('/channels', { name: 'ops', private: true }).expect(201);
    await as(a, 'alice').post('/channels/ops/members', { username: 'bob' }).expect(201);
    await as(a, 'alice').post('/channels/ops/messages', { text: 'deploy at noon' }).expect(201);
    const dm = (
      await as(a, 'alice')
        .post('/dms', { users: ['bob'] })
        .expect(201)
    ).body as { name: string };
    await as(a, 'alice').post(`/channels/${dm.name}/messages`, { text: 'psst' }).expect(201);

    await bobOnB.until((c) => c.messages.length >= 2, 'both messages');
    expect(bobOnB.messages.map((m) => m.text)).toEqual(['deploy at noon', 'psst']);
    expect(bobOnB.events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['member-joined', 'channel-created', 'message']),
    );
    await as(b, 'bob').get('/channels/ops').expect(200);
    await as(b, 'bob').post('/channels/ops/messages', { text: 'ok' }).expect(201);
    await as(b, 'carol').get('/channels/ops').expect(404);
  });

  it('lets a user who signed up on one instance in on the other, and a changed password nowhere', async () => {
    const password = 'blue-Harbor-Quietly-47';
    await request(a)
      .post('/api/signup')
      .send({ username: 'erin', password, displayName: 'Erin' })
      .expect(201);
    await eventually(async () => {
      await request(b).get('/api/me').set('Authorization', basic('erin', password)).expect(200);
    });

    const newPassword = 'green-Meadow-Softly-82';
    await request(a)
      .patch('/api/me')
      .set('Authorization', basic('erin', password))
      .send({ currentPassword: password, password: newPassword })
      .expect(200);
    // The other instance hears of the change over the bus, a few milliseconds after the answer.
    await eventually(async () => {
      await request(b).get('/api/me').set('Authorization', basic('erin', password)).expect(401);
    });
    await request(b).get('/api/me').set('Authorization', basic('erin', newPassword)).expect(200);
  });
});
