import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RateLimits } from '../common/rate-limit.js';
import { type AppConfig, toAppConfig } from '../config/app.config.js';
import { validateEnvironment } from '../config/env.schema.js';
import { LoginLimiter } from './login-limiter.js';
import { newRedisPrefix, removeRedisPrefixes, TEST_REDIS_URL } from '../../test/support/redis.js';

const MAX_FAILURES = 3;
const WINDOW_SECONDS = 60;

let started: RateLimits[] = [];
beforeEach(() => {
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
});
afterEach(async () => {
  await Promise.all(started.map((limits) => limits.onApplicationShutdown()));
  started = [];
  jest.restoreAllMocks();
});
afterAll(removeRedisPrefixes);

/** A LoginLimiter on its own RateLimits (an instance of the server) for `env`. */
async function limiterOn(env: Record<string, string>): Promise<LoginLimiter> {
  const config: AppConfig = toAppConfig(
    validateEnvironment({
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
      ...env,
    }),
  );
  const limits = new RateLimits(config);
  started.push(limits);
  await limits.onModuleInit();
  return new LoginLimiter(config, limits);
}

/** What `attempt` ends with: `ok`, or the code of its DomainError. */
const outcome = (attempt: Promise<void>) =>
  attempt.then(
    () => 'ok',
    (error: { code: string }) => error.code,
  );

describe.each([
  { backend: 'memory', env: (): Record<string, string> => ({}) },
  { backend: 'Redis', env: () => ({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: newRedisPrefix() }) },
])('LoginLimiter in $backend', ({ env }) => {
  it('locks a username once it has LOGIN_MAX_FAILURES failures, from any address, for the window', async () => {
    const limiter = await limiterOn(env());
    for (let i = 0; i < MAX_FAILURES; i++) await limiter.reserve('alice', `198.51.100.${i}`);

    await expect(limiter.assertAllowed('alice', '203.0.113.7')).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: expect.any(Number),
    });
    const error = await limiter.reserve('alice', '203.0.113.7').catch((e: { retryAfterMs: number }) => e);
    expect(error?.retryAfterMs).toBeGreaterThan((WINDOW_SECONDS - 1) * 1000);
    expect(error?.retryAfterMs).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
    await expect(limiter.assertAllowed('bob', '203.0.113.7')).resolves.toBeUndefined();
  });

  it('locks an address once it has LOGIN_MAX_FAILURES failures across usernames', async () => {
    const limiter = await limiterOn(env());
    for (const name of ['alice', 'bob', 'nobody']) {
      await limiter.reserve(name, '198.51.100.66');
      await limiter.failed('198.51.100.66');
    }
    await expect(limiter.assertAllowed('carol', '198.51.100.66')).rejects.toMatchObject({
      code: 'rate_limited',
    });
    await expect(limiter.assertAllowed('carol', '198.51.100.67')).resolves.toBeUndefined();
  });

  it('takes back a forgiven attempt (one that succeeded)', async () => {
    const limiter = await limiterOn(env());
    for (let i = 0; i < MAX_FAILURES * 3; i++) {
      await limiter.reserve('alice', '192.0.2.1');
      await limiter.forgive('alice');
    }
    await expect(limiter.assertAllowed('alice', '192.0.2.1')).resolves.toBeUndefined();
  });

  it('does not count a refused attempt against its address, so the owner of a locked name can still log in as another', async () => {
    const limiter = await limiterOn(env());
    for (let i = 0; i < MAX_FAILURES; i++) await limiter.reserve('alice', `198.51.100.${i}`);
    for (let i = 0; i < MAX_FAILURES * 2; i++) {
      expect(await outcome(limiter.reserve('alice', '192.0.2.9'))).toBe('rate_limited');
    }
    expect(await outcome(limiter.reserve('bob', '192.0.2.9'))).toBe('ok');
  });

  it('lets 50 people behind one address log in at once: attempts in flight do not count against it', async () => {
    const limiter = await limiterOn(env());
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => outcome(limiter.reserve(`user${i}`, '192.0.2.50'))),
    );
    expect(outcomes.every((o) => o === 'ok')).toBe(true);
  });

  it('lets through no more than LOGIN_MAX_FAILURES of 50 attempts that arrive at once', async () => {
    const limiter = await limiterOn(env());
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => outcome(limiter.reserve('alice', '192.0.2.1'))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(MAX_FAILURES);
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(50 - MAX_FAILURES);
  });

  it('counts a failure with recordFailure without refusing it', async () => {
    const limiter = await limiterOn(env());
    for (let i = 0; i < MAX_FAILURES + 2; i++) await limiter.recordFailure('alice', '192.0.2.1');
    await expect(limiter.assertAllowed('alice', '192.0.2.2')).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('unlocks once the window has ended', async () => {
    const limiter = await limiterOn({ ...env(), LOGIN_WINDOW_SECONDS: '1' });
    for (let i = 0; i < MAX_FAILURES; i++) await limiter.reserve('alice', '192.0.2.1');
    const error = await limiter.assertAllowed('alice', '192.0.2.1').catch((e: { retryAfterMs: number }) => e);
    expect(error?.retryAfterMs).toBeLessThanOrEqual(1000);

    await new Promise((resolve) => setTimeout(resolve, (error?.retryAfterMs ?? 0) + 20));

    await expect(limiter.assertAllowed('alice', '192.0.2.1')).resolves.toBeUndefined();
    await expect(limiter.reserve('alice', '192.0.2.1')).resolves.toBeUndefined();
  });
});

describe('LoginLimiter on two instances', () => {
  it('with REDIS_URL: attempts at once on both get LOGIN_MAX_FAILURES through in all', async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: newRedisPrefix() };
    const instances = [await limiterOn(env), await limiterOn(env)];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => outcome(instances[i % 2].reserve('alice', `198.51.100.${i}`))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(MAX_FAILURES);
  });

  it('without REDIS_URL: each instance counts its own, so two let twice as many through', async () => {
    const instances = [await limiterOn({}), await limiterOn({})];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => outcome(instances[i % 2].reserve('alice', `198.51.100.${i}`))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2 * MAX_FAILURES);
  });
});
