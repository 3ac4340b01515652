import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  agentFrom,
  authOf,
  basic,
  freshAddress,
  median,
  type RunningServer,
  send,
  startServer,
  tally,
  USERS,
} from './harness.js';

/** Sends `headers` lists one after another over one keep-alive connection from `address`. */
async function sequentially(base: string, address: string, requests: Record<string, string>[]) {
  const agent = agentFrom(address);
  try {
    const replies = [];
    for (const headers of requests) replies.push(await send(`${base}/api/me`, { headers, agent }));
    return replies;
  } finally {
    agent.destroy();
  }
}

describe('attack: password guessing against the real server (LOGIN_MAX_FAILURES=10, LOGIN_WINDOW_SECONDS=900)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, 40_000);
  afterAll(() => server?.stop());

  it('blocks 1000 guesses against one user after 10: the other 990 get 429 + Retry-After without running bcrypt', async () => {
    const started = performance.now();
    const guesses = Array.from({ length: 1000 }, (_, i) => ({ Authorization: basic('alice', `guess-${i}`) }));
    const replies = await sequentially(server.base, freshAddress(), guesses);
    const wallMs = performance.now() - started;

    expect(tally(replies.map((r) => r.status))).toEqual({ 401: 10, 429: 990 });
    expect(replies.slice(0, 10).every((r) => r.status === 401)).toBe(true);
    const blocked = replies.filter((r) => r.status === 429);
    expect(blocked.every((r) => Number(r.headers['retry-after']) > 850)).toBe(true);
    // A 401 costs one bcrypt comparison; a 429 must cost next to nothing.
    const bcryptMs = median(replies.slice(0, 10).map((r) => r.ms));
    expect(median(blocked.map((r) => r.ms))).toBeLessThan(bcryptMs / 5);
    expect(wallMs).toBeLessThan((1000 * bcryptMs) / 5);

    // The trade-off (docs/SECURITY.md): the username stays locked even for its right password, from anywhere.
    const owner = await send(`${server.base}/api/me`, {
      headers: { Authorization: authOf('alice') },
      localAddress: freshAddress(),
    });
    expect(owner.status).toBe(429);
    const other = await send(`${server.base}/api/me`, {
      headers: { Authorization: authOf('bob') },
      localAddress: freshAddress(),
    });
    expect(other.status).toBe(200);
  }, 60_000);

  // Each guess is counted against its username before bcrypt runs (LoginLimiter.reserve): parallel guesses cannot
  // outrun the limit.
  it('evaluates no more than 10 guesses when 1000 arrive in parallel over 25 connections', async () => {
    const agent = agentFrom(freshAddress(), 25);
    const replies = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        send(`${server.base}/api/me`, { headers: { Authorization: basic('zoe', `guess-${i}`) }, agent }),
      ),
    ).finally(() => agent.destroy());
    expect(tally(replies.map((r) => r.status))).toEqual({ 401: 10, 429: 990 });
  }, 60_000);

  it('blocks password spraying from one address after 10 failures across usernames; other addresses unaffected', async () => {
    const address = freshAddress();
    // Users that the other tests of this server leave unlocked, then guessed names.
    const names = ['bob', 'carol', 'dave', ...Array.from({ length: 47 }, (_, i) => `staff${i}`)];
    const replies = await sequentially(
      server.base,
      address,
      names.map((name) => ({ Authorization: basic(name, 'Winter2026!') })),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 401: 10, 429: 40 });

    // No username reached its own limit: the address is what is locked, even for a right password ...
    const [fromAttacker] = await sequentially(server.base, address, [{ Authorization: authOf('carol') }]);
    expect(fromAttacker.status).toBe(429);
    // ... while the same user from another address logs in.
    const [elsewhere] = await sequentially(server.base, freshAddress(), [{ Authorization: authOf('carol') }]);
    expect(elsewhere.status).toBe(200);
  });

  it('ignores a rotating X-Forwarded-For without TRUST_PROXY: the spraying address is still blocked after 10', async () => {
    const replies = await sequentially(
      server.base,
      freshAddress(),
      Array.from({ length: 30 }, (_, i) => ({
        Authorization: basic(`user${i}`, 'Winter2026!'),
        'X-Forwarded-For': `203.0.113.${i + 1}`,
      })),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 401: 10, 429: 20 });
  });
});

describe('attack: rotating X-Forwarded-For with TRUST_PROXY=127.0.0.200', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ TRUST_PROXY: '127.0.0.200' });
  }, 40_000);
  afterAll(() => server?.stop());

  const spray = (address: string) =>
    sequentially(
      server.base,
      address,
      Array.from({ length: 30 }, (_, i) => ({
        Authorization: basic(`user${i}`, 'Winter2026!'),
        'X-Forwarded-For': `198.51.100.${i + 1}`,
      })),
    );

  it('still blocks a client that is not the listed proxy after 10 failures', async () => {
    expect(tally((await spray('127.0.0.201')).map((r) => r.status))).toEqual({ 401: 10, 429: 20 });
  });

  it('counts per forwarded client address for requests from the listed proxy', async () => {
    expect(tally((await spray('127.0.0.200')).map((r) => r.status))).toEqual({ 401: 30 });
  });
});

describe('with LOGIN_MAX_FAILURES=10000, RATE_LIMIT_PER_USER_PER_MINUTE=20, RATE_LIMIT_PER_ADDRESS_PER_MINUTE=30', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      LOGIN_MAX_FAILURES: '10000',
      RATE_LIMIT_PER_USER_PER_MINUTE: '20',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '30',
    });
  }, 40_000);
  afterAll(() => server?.stop());

  describe('attack: username enumeration by response time', () => {
    it('answers wrong passwords for unknown and known usernames in medians within 20% of each other', async () => {
      const samples = 30;
      const guess = () => `wrong-${randomUUID()}`; // never the same header twice: no cache hit
      const requests: Record<string, string>[] = [];
      for (let i = 0; i < samples; i++) {
        requests.push({ Authorization: basic(USERS[i % USERS.length], guess()) });
        requests.push({ Authorization: basic(`nobody${i}`, guess()) });
      }
      await sequentially(server.base, freshAddress(), requests.slice(0, 4)); // warm up
      const replies = await sequentially(server.base, freshAddress(), requests);
      expect(replies.every((r) => r.status === 401)).toBe(true);
      const known = median(replies.filter((_, i) => i % 2 === 0).map((r) => r.ms));
      const unknown = median(replies.filter((_, i) => i % 2 === 1).map((r) => r.ms));
      expect(Math.abs(known - unknown) / Math.max(known, unknown)).toBeLessThan(0.2);
      // Both paths really compare a bcrypt hash (cost 10 takes milliseconds, a map lookup does not).
      expect(unknown).toBeGreaterThan(10);
    }, 60_000);

    it('answers an unknown and a known username with the same 401 body and headers', async () => {
      const [known, unknown] = await sequentially(server.base, freshAddress(), [
        { Authorization: basic('alice', 'wrong') },
        { Authorization: basic('mallory', 'wrong') },
      ]);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toBe(known.body);
      expect(unknown.headers['www-authenticate']).toBe(known.headers['www-authenticate']);
    });
  });

  describe('attack: request flood by an authenticated client', () => {
    it('limits one user to 20 requests a minute with 429 + Retry-After, other users unaffected', async () => {
      const address = freshAddress();
      const replies = await sequentially(
        server.base,
        address,
        Array.from({ length: 25 }, () => ({ Authorization: authOf('alice') })),
      );
      expect(tally(replies.map((r) => r.status))).toEqual({ 200: 20, 429: 5 });
      const limited = replies[24];
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(limited.body)).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      const [bob] = await sequentially(server.base, address, [{ Authorization: authOf('bob') }]);
      expect(bob.status).toBe(200);
    });

    it('limits one address to 30 requests a minute across users; health is never limited', async () => {
      const address = freshAddress();
      const users = ['bob', 'carol', 'dave'] as const;
      const replies = await sequentially(
        server.base,
        address,
        Array.from({ length: 33 }, (_, i) => ({ Authorization: authOf(users[i % 3]) })),
      );
      expect(tally(replies.map((r) => r.status))).toEqual({ 200: 30, 429: 3 });
      const health = await send(`${server.base}/api/health`, { localAddress: address });
      expect(health.status).toBe(200);
      const [elsewhere] = await sequentially(server.base, freshAddress(), [
        { Authorization: authOf('carol') },
      ]);
      expect(elsewhere.status).toBe(200);
    });
  });
});
