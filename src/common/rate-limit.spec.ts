import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { toAppConfig } from '../config/app.config.js';
import { validateEnvironment } from '../config/env.schema.js';
import { DomainError } from './domain-error.js';
import { consumeOrThrow, type PointLimiter, RateLimits } from './rate-limit.js';
import {
  newRedisPrefix,
  redisKeys,
  removeRedisPrefixes,
  TEST_REDIS_URL,
  UNREACHABLE_REDIS_URL,
} from '../../test/support/redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let started: RateLimits[] = [];
beforeEach(() => {
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
});

/** A started RateLimits on the configuration `env` would give; shut down after the test. */
async function limitsOn(env: Record<string, string>): Promise<RateLimits> {
  const limits = new RateLimits(toAppConfig(validateEnvironment(env)));
  started.push(limits);
  await limits.onModuleInit();
  return limits;
}

afterEach(async () => {
  await Promise.all(started.map((limits) => limits.onApplicationShutdown()));
  started = [];
  jest.restoreAllMocks();
});
afterAll(removeRedisPrefixes);

/** The answers to `count` immediate takes: `true` for allowed, else the refusal's wait in ms. */
async function takeMany(limiter: PointLimiter, key: string, count: number): Promise<(true | number)[]> {
  const answers: (true | number)[] = [];
  for (let i = 0; i < count; i++) answers.push(await take(limiter, key));
  return answers;
}

async function take(limiter: PointLimiter, key: string): Promise<true | number> {
  try {
    await limiter.consume(key);
    return true;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
    throw rejection;
  }
}

const allowed = (n: number) => Array<true>(n).fill(true);

describe.each([
  { backend: 'memory', env: (): Record<string, string> => ({}) },
  { backend: 'Redis', env: () => ({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: newRedisPrefix() }) },
])('RateLimits in $backend', ({ env }) => {
  describe('window', () => {
    it('allows `points` per window and refuses the next with the time until the window ends', async () => {
      const limiter = (await limitsOn(env())).window('test', 3, 60);
      const answers = await takeMany(limiter, 'k', 4);
      expect(answers.slice(0, 3)).toEqual(allowed(3));
      expect(answers[3]).toBeGreaterThan(59_000);
      expect(answers[3]).toBeLessThanOrEqual(60_000);
    });

    it('keeps keys independent', async () => {
      const limiter = (await limitsOn(env())).window('test', 3, 60);
      await takeMany(limiter, 'a', 3);
      expect(await take(limiter, 'a')).not.toBe(true);
      expect(await takeMany(limiter, 'b', 3)).toEqual(allowed(3));
    });

    it('measures the window from the first point, and points refused in it do not extend it', async () => {
      const limiter = (await limitsOn(env())).window('test', 3, 60);
      await take(limiter, 'k');
      await sleep(300);
      await takeMany(limiter, 'k', 2);
      const waits = (await takeMany(limiter, 'k', 5)) as number[];
      expect(Math.max(...waits)).toBeLessThanOrEqual(60_000 - 250);
    });

    it('starts afresh once the window has ended', async () => {
      const limiter = (await limitsOn(env())).window('test', 2, 1);
      await takeMany(limiter, 'k', 2);
      const wait = await take(limiter, 'k');
      expect(wait).toBeLessThanOrEqual(1000);

      await sleep((wait as number) + 20);

      expect(await takeMany(limiter, 'k', 3)).toEqual([true, true, expect.any(Number)]);
    });

    it('penalty, reward and get count without refusing (the failed-login limiter)', async () => {
      const limiter = (await limitsOn(env())).window('test', 2, 60);
      expect(await limiter.get('k')).toBeNull();
      for (let i = 0; i < 3; i++) await limiter.penalty('k');
      await limiter.reward('k');
      expect(await limiter.get('k')).toMatchObject({ consumedPoints: 2 });
    });
  });

  describe('bursty (SEND_RATE_PER_SECOND=10, SEND_BURST=20)', () => {
    it('allows a burst of 20 at once and refuses the 21st with a wait of at most a second', async () => {
      const limiter = (await limitsOn(env())).bursty('send', 10, 20);
      const answers = await takeMany(limiter, 'alice', 21);
      expect(answers.slice(0, 20)).toEqual(allowed(20));
      expect(answers[20]).toBeGreaterThan(0);
      expect(answers[20]).toBeLessThanOrEqual(1000);
    });

    it('allows 10 in the next second but not the burst again, which comes back once a minute', async () => {
      const limiter = (await limitsOn(env())).bursty('send', 10, 20);
      await takeMany(limiter, 'alice', 20);
      const wait = (await take(limiter, 'alice')) as number;

      await sleep(wait + 20);

      const answers = await takeMany(limiter, 'alice', 11);
      expect(answers.slice(0, 10)).toEqual(allowed(10));
      expect(answers[10]).toBeLessThanOrEqual(1000);
    });

    it('holds a sender at full speed to the rate: 20 + 10 per started second (a token bucket: 20 + 10/s)', async () => {
      const limiter = (await limitsOn(env())).bursty('send', 10, 20);
      const end = Date.now() + 2500;
      let count = 0;
      while (Date.now() < end) {
        if ((await take(limiter, 'alice')) === true) count++;
        await sleep(5);
      }
      // Three one-second windows began (at 0, 1 and 2 s): 3 × 10, plus the 10 extra of the burst.
      expect(count).toBe(40);
    });

    it('limits each key separately', async () => {
      const limiter = (await limitsOn(env())).bursty('send', 10, 20);
      await takeMany(limiter, 'alice', 20);
      expect(await take(limiter, 'alice')).not.toBe(true);
      expect(await takeMany(limiter, 'bob', 20)).toEqual(allowed(20));
    });

    it('is one window a second when the burst equals the rate', async () => {
      const limiter = (await limitsOn(env())).bursty('send', 10, 10);
      const answers = await takeMany(limiter, 'alice', 11);
      expect(answers.slice(0, 10)).toEqual(allowed(10));
      expect(answers[10]).toBeLessThanOrEqual(1000);
    });
  });

  it('consumeOrThrow answers a refusal with rate_limited and the wait', async () => {
    const limiter = (await limitsOn(env())).window('test', 1, 60);
    await consumeOrThrow(limiter, 'k', 'slow down');
    const error = await consumeOrThrow(limiter, 'k', 'slow down').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'rate_limited', message: 'slow down' });
    expect((error as DomainError).retryAfterMs).toBeGreaterThan(59_000);
  });
});

describe('RateLimits with REDIS_URL', () => {
  it('shares the counts between instances of one deployment (REDIS_PREFIX)', async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: newRedisPrefix() };
    const [a, b] = [(await limitsOn(env)).window('test', 3, 60), (await limitsOn(env)).window('test', 3, 60)];
    await takeMany(a, 'k', 2);
    expect(await take(b, 'k')).toBe(true);
    expect(await take(a, 'k')).not.toBe(true);
    expect(await take(b, 'k')).not.toBe(true);
  });

  it('keeps deployments with different prefixes apart, each under <prefix>:limit:<limiter>:<key>', async () => {
    const [one, two] = [newRedisPrefix(), newRedisPrefix()];
    const a = (await limitsOn({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: one })).window('test', 3, 60);
    const b = (await limitsOn({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: two })).window('test', 3, 60);
    await takeMany(a, 'k', 3);
    expect(await takeMany(b, 'k', 3)).toEqual(allowed(3));
    expect(await redisKeys(one)).toEqual([`${one}:limit:test:k`]);
  });

  it('refuses a key past its limit from memory: a flood does not reach Redis', async () => {
    const prefix = newRedisPrefix();
    const limiter = (await limitsOn({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix })).window(
      'test',
      3,
      60,
    );
    await takeMany(limiter, 'k', 100);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.get(`${prefix}:limit:test:k`)).toBe('3');
    } finally {
      await redis.quit();
    }
  });
});

describe('RateLimits while Redis does not answer', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
  });

  it('starts, limits each instance on its own, and warns once however often the reconnection fails', async () => {
    const env = { REDIS_URL: UNREACHABLE_REDIS_URL, REDIS_PREFIX: newRedisPrefix() };
    const a = (await limitsOn(env)).window('test', 3, 60);
    const b = (await limitsOn(env)).window('test', 3, 60);

    const answers = await takeMany(a, 'k', 4);
    expect(answers.slice(0, 3)).toEqual(allowed(3));
    expect(answers[3]).toBeGreaterThan(59_000);
    expect(await takeMany(b, 'k', 3)).toEqual(allowed(3));
    await sleep(500); // ioredis retries after 50, 100, 150 … ms

    expect(warn.mock.calls).toEqual([
      [
        expect.stringMatching(
          /^Redis at 127\.0\.0\.1:1 is not answering \(.*ECONNREFUSED.*\): each instance/,
        ),
      ],
      [expect.stringMatching(/^Redis at 127\.0\.0\.1:1 is not answering/)],
    ]);
  });

  it('answers from memory during an outage and counts in Redis again once it is back', async () => {
    const proxy = await RedisProxy.start();
    const prefix = newRedisPrefix();
    const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: prefix };
    const limiter = (await limitsOn(env)).window('test', 4, 60);
    try {
      await takeMany(limiter, 'k', 2);

      await proxy.stop();
      expect(await takeMany(limiter, 'k', 5)).toEqual([...allowed(4), expect.any(Number)]);
      expect(warn).toHaveBeenCalledTimes(1);

      await proxy.restart();
      const log = jest.mocked(Logger.prototype.log);
      await until(() => log.mock.calls.some(([message]) => String(message).includes('answers again')));
      expect(await takeMany(limiter, 'k', 3)).toEqual([...allowed(2), expect.any(Number)]);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      await proxy.stop();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

/** A TCP proxy to the test Redis that can be stopped and started again on the same port: an outage on demand. */
class RedisProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(public port: number) {}

  static async start(): Promise<RedisProxy> {
    const proxy = new RedisProxy(0);
    await proxy.listen();
    return proxy;
  }

  async restart(): Promise<void> {
    await this.listen();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private async listen(): Promise<void> {
    const { hostname, port } = new URL(TEST_REDIS_URL);
    const server = createServer((client) => {
      const upstream = connect(Number(port || 6379), hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }
}
