import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import {
  newRedisPrefix,
  removeRedisPrefixes,
  TEST_REDIS_URL,
  UNREACHABLE_REDIS_URL,
} from './support/redis.js';
import { ServerProcess } from './support/server-process.js';
import { authOf, basic } from './support/test-app.js';

/** Strong by zxcvbn (score 4). */
const STRONG = 'blue-Harbor-Quietly-47';

afterAll(removeRedisPrefixes);

/**
 * Two instances of the built server behind one load balancer, as an attacker sees them: requests alternate between
 * them. With REDIS_URL (and one REDIS_PREFIX) they count every limit together, so a second instance does not double
 * an attacker's allowance; without it each counts on its own. (Separate processes: two apps in one process would
 * share passport's strategy registry, and with it one login limiter.)
 */
describe.each([
  { setup: 'with one REDIS_URL: every limit counts once across both', shared: true },
  { setup: 'without REDIS_URL: each allows every limit on its own, twice in all', shared: false },
])('two instances $setup', ({ shared }) => {
  let servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  });

  async function start(env: Record<string, string>): Promise<void> {
    const redis: Record<string, string> = shared
      ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: newRedisPrefix() }
      : {};
    const settings = { TRUST_PROXY: 'loopback', ...redis, ...env };
    servers = await Promise.all([ServerProcess.start(settings), ServerProcess.start(settings)]);
  }
  /** The status of request `i`, sent to instance `i % 2` from the client `address` (X-Forwarded-For). */
  async function status(
    i: number,
    path: string,
    address: string,
    headers: Record<string, string>,
    body?: object,
  ) {
    const res = await fetch(`${servers[i % 2].url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'X-Forwarded-For': address, 'Content-Type': 'application/json', ...headers },
      body: body && JSON.stringify(body),
    });
    return res.status;
  }
  /** The statuses of `n` requests made by `request(i)`, one after another. */
  async function statuses(n: number, request: (i: number) => Promise<number>): Promise<number[]> {
    const answers: number[] = [];
    for (let i = 0; i < n; i++) answers.push(await request(i));
    return answers;
  }
  /** How many of `answers` are `code`. */
  const count = (answers: number[], code: number) => answers.filter((s) => s === code).length;
  /** Both instances together allow a limit once with Redis, twice without. */
  const allowance = (limit: number) => (shared ? limit : 2 * limit);

  it('evaluates LOGIN_MAX_FAILURES=3 guesses at one username from many addresses, then locks it on both', async () => {
    await start({ LOGIN_MAX_FAILURES: '3' });
    const answers = await statuses(10, (i) =>
      status(i, '/api/me', `10.0.0.${i + 1}`, { Authorization: basic('alice', `guess-${i}`) }),
    );
    expect(count(answers, 401)).toBe(allowance(3));
    expect(count(answers, 429)).toBe(10 - allowance(3));

    // Failures counted on both instances lock the username on either, even for its right password.
    expect(await status(0, '/api/me', '10.0.1.1', { Authorization: authOf('alice') })).toBe(429);
    expect(await status(1, '/api/me', '10.0.1.1', { Authorization: authOf('alice') })).toBe(429);
  });

  it('evaluates LOGIN_MAX_FAILURES=3 of 100 guesses at one username sent to both at once', async () => {
    await start({ LOGIN_MAX_FAILURES: '3' });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        status(i, '/api/me', `10.1.${i}.1`, { Authorization: basic('zoe', `guess-${i}`) }),
      ),
    );
    expect(count(answers, 401)).toBe(allowance(3));
    expect(count(answers, 429)).toBe(100 - allowance(3));
  });

  it('evaluates LOGIN_MAX_FAILURES=3 sprayed guesses from one address', async () => {
    await start({ LOGIN_MAX_FAILURES: '3' });
    const answers = await statuses(10, (i) =>
      status(i, '/api/me', '10.9.9.9', { Authorization: basic(`user${i}`, 'Winter2026!') }),
    );
    expect(count(answers, 401)).toBe(allowance(3));
  });

  it('lets one user send SEND_BURST=3 messages at once (SEND_RATE_PER_SECOND=1)', async () => {
    await start({ SEND_RATE_PER_SECOND: '1', SEND_BURST: '3' });
    const answers = await statuses(8, (i) =>
      status(i, '/api/messages', '10.0.2.1', { Authorization: authOf('alice') }, { text: `m${i}` }),
    );
    expect(count(answers, 201)).toBe(allowance(3));
    expect(count(answers, 429)).toBe(8 - allowance(3));
  });

  it('lets one user make RATE_LIMIT_PER_USER_PER_MINUTE=4 requests', async () => {
    await start({ RATE_LIMIT_PER_USER_PER_MINUTE: '4' });
    const answers = await statuses(12, (i) =>
      status(i, '/api/me', `10.0.3.${i + 1}`, { Authorization: authOf('bob') }),
    );
    expect(count(answers, 200)).toBe(allowance(4));
    expect(count(answers, 429)).toBe(12 - allowance(4));
  });

  it('lets one address make RATE_LIMIT_PER_ADDRESS_PER_MINUTE=4 requests, whoever it is', async () => {
    await start({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '4' });
    const users = ['alice', 'bob', 'carol'] as const;
    const answers = await statuses(12, (i) =>
      status(i, '/api/me', '10.0.4.1', { Authorization: authOf(users[i % 3]) }),
    );
    expect(count(answers, 200)).toBe(allowance(4));
  });

  it('lets one address try SIGNUP_PER_ADDRESS_PER_HOUR=1 sign-up', async () => {
    await start({ SIGNUP: 'open', SIGNUP_PER_ADDRESS_PER_HOUR: '1' });
    const answers = await statuses(3, (i) =>
      status(
        i,
        '/api/signup',
        '10.0.5.1',
        {},
        { username: `erin${i}`, password: STRONG, displayName: 'Erin' },
      ),
    );
    expect(count(answers, 201)).toBe(allowance(1));
    expect(count(answers, 429)).toBe(3 - allowance(1));
  });
});

describe('the built server with REDIS_URL where Redis does not answer', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('starts, warns once however often it tries to reconnect, and limits on its own', async () => {
    server = await ServerProcess.start({ REDIS_URL: UNREACHABLE_REDIS_URL, LOGIN_MAX_FAILURES: '2' });
    const me = (authorization: string) => fetch(`${server!.url}/api/me`, { headers: { authorization } });

    expect((await me(authOf('alice'))).status).toBe(200);
    expect((await me(basic('bob', 'guess-1'))).status).toBe(401);
    expect((await me(basic('bob', 'guess-2'))).status).toBe(401);
    expect((await me(basic('bob', 'guess-3'))).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 500)); // ioredis retries after 50, 100, 150 … ms

    const warnings = server.logLines().filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        context: 'RateLimits',
        msg: expect.stringMatching(/^Redis at 127\.0\.0\.1:1 is not answering \(connect ECONNREFUSED/),
      }),
    ]);
  });
});
