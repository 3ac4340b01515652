import { LocalBus } from '../bus/bus.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import bcrypt from 'bcrypt';
import { DomainError } from '../common/domain-error.js';
import { RateLimits } from '../common/rate-limit.js';
import { toAppConfig } from '../config/app.config.js';
import { validateEnvironment } from '../config/env.schema.js';
import { AuthService, NEW_PASSWORD_COST } from './auth.service.js';
import { LoginLimiter } from './login-limiter.js';
import { MemoryUserStore } from './store/memory-user.store.js';
import { UsersRepository } from './users.repository.js';
import { FakeClock } from '../../test/support/fake-clock.js';

const USERS_FILE = fileURLToPath(new URL('../../test/fixtures/users.json', import.meta.url));
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const MAX_FAILURES = 3;
const WINDOW_MS = 60_000;
const CACHE_TTL_MS = 30_000;
/** For the tests that wait for a lockout to end: the limiter keeps real time, not the FakeClock's. */
const SHORT_WINDOW_SECONDS = 2;
const PASSWORDS = { alice: 'alice-password', dave: 'pa:ss:word', zoe: 'pässwörd-密码-🔑' };

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

async function setup(env: Record<string, string> = {}) {
  const config = toAppConfig(
    validateEnvironment({
      USERS_FILE,
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_WINDOW_SECONDS: String(WINDOW_MS / 1000),
      AUTH_CACHE_TTL_SECONDS: String(CACHE_TTL_MS / 1000),
      ...env,
    }),
  );
  const clock = new FakeClock(T0);
  const users = new UsersRepository(config, new MemoryUserStore(), clock, new LocalBus());
  const auth = new AuthService(config, clock, users, new LoginLimiter(config, new RateLimits(config)));
  const hash = jest.spyOn(bcrypt, 'hash');
  await users.onModuleInit();
  await auth.onModuleInit();
  const dummyHash = (await hash.mock.results[0].value) as string;
  hash.mockRestore();
  const compare = jest.spyOn(bcrypt, 'compare');
  /** Authenticates `username:password` as the basic-auth guard would. */
  const login = (username: string, password: string, address = '192.0.2.1') =>
    auth.authenticate(basic(`${username}:${password}`), username, password, address);
  return { auth, clock, compare, dummyHash, login, users };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function catchError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('AuthService', () => {
  describe('credentials', () => {
    it('returns the user for the right password', async () => {
      const { login } = await setup();
      await expect(login('alice', PASSWORDS.alice)).resolves.toEqual({
        username: 'alice',
        displayName: 'Alice Liddell',
      });
    });

    it('accepts a password containing colons', async () => {
      const { login } = await setup();
      await expect(login('dave', PASSWORDS.dave)).resolves.toEqual({
        username: 'dave',
        displayName: 'Dave Colon',
      });
    });

    it('accepts a non-ASCII password', async () => {
      const { login } = await setup();
      await expect(login('zoe', PASSWORDS.zoe)).resolves.toEqual({
        username: 'zoe',
        displayName: 'Zoë Ünicode',
      });
    });

    it.each([
      ['a wrong password', 'alice', 'wrong'],
      ['an empty password', 'alice', ''],
      ["another user's password", 'alice', PASSWORDS.dave],
      ['a password differing only in case', 'alice', 'Alice-password'],
    ])('rejects %s as unauthenticated', async (_name, username, password) => {
      const { login } = await setup();
      const error = await catchError(login(username, password));
      expect(error.code).toBe('unauthenticated');
    });

    it('rejects an unknown user as unauthenticated after running bcrypt on the dummy hash', async () => {
      const { login, compare, dummyHash } = await setup();

      const error = await catchError(login('mallory', 'alice-password'));

      expect(error.code).toBe('unauthenticated');
      // mock.calls rather than toHaveBeenCalledWith: the spy is typed by compare's callback overload.
      expect(compare.mock.calls).toEqual([['alice-password', dummyHash]]);
      expect(dummyHash).toMatch(/^\$2[aby]\$\d\d\$.{53}$/);
      expect(bcrypt.getRounds(dummyHash)).toBeGreaterThanOrEqual(10);
    });

    it('gives the same answer for an unknown user as for a wrong password', async () => {
      const { login } = await setup();
      const unknown = await catchError(login('mallory', 'x'));
      const wrong = await catchError(login('alice', 'x'));
      expect({ code: unknown.code, message: unknown.message }).toEqual({
        code: wrong.code,
        message: wrong.message,
      });
    });
  });

  describe('failed-login limit', () => {
    it('refuses even the right password once a username reached the limit, until the window passes', async () => {
      const { login, compare } = await setup({ LOGIN_WINDOW_SECONDS: String(SHORT_WINDOW_SECONDS) });
      for (let i = 0; i < MAX_FAILURES; i++) {
        await expect(login('alice', 'wrong', `198.51.100.${i}`)).rejects.toMatchObject({
          code: 'unauthenticated',
        });
      }
      compare.mockClear();

      const error = await catchError(login('alice', PASSWORDS.alice, '203.0.113.7'));

      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(SHORT_WINDOW_SECONDS * 1000);
      expect(compare).not.toHaveBeenCalled();

      await sleep(error.retryAfterMs! + 20);
      await expect(login('alice', PASSWORDS.alice, '203.0.113.7')).resolves.toMatchObject({
        username: 'alice',
      });
    });

    it('does not lock out a username below the limit', async () => {
      const { login } = await setup();
      for (let i = 0; i < MAX_FAILURES - 1; i++) {
        await expect(login('alice', 'wrong', `198.51.100.${i}`)).rejects.toMatchObject({
          code: 'unauthenticated',
        });
      }
      await expect(login('alice', PASSWORDS.alice, '203.0.113.7')).resolves.toMatchObject({
        username: 'alice',
      });
    });

    it('locks out only the username that failed', async () => {
      const { login } = await setup();
      for (let i = 0; i < MAX_FAILURES; i++) await catchError(login('alice', 'wrong', `198.51.100.${i}`));
      await expect(login('dave', PASSWORDS.dave, '203.0.113.7')).resolves.toMatchObject({ username: 'dave' });
    });

    it('refuses an address that failed across different usernames, until the window passes', async () => {
      const { login } = await setup({ LOGIN_WINDOW_SECONDS: String(SHORT_WINDOW_SECONDS) });
      const attacker = '198.51.100.66';
      for (const username of ['mallory', 'trent', 'alice'].slice(0, MAX_FAILURES)) {
        await expect(login(username, 'guess', attacker)).rejects.toMatchObject({ code: 'unauthenticated' });
      }

      const error = await catchError(login('dave', PASSWORDS.dave, attacker));
      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      await expect(login('dave', PASSWORDS.dave, '203.0.113.7')).resolves.toMatchObject({ username: 'dave' });

      await sleep(error.retryAfterMs! + 20);
      await expect(login('dave', PASSWORDS.dave, attacker)).resolves.toMatchObject({ username: 'dave' });
    });

    it('refuses credentials that are already cached while the username is locked out', async () => {
      const { login } = await setup();
      await login('alice', PASSWORDS.alice, '203.0.113.7');
      for (let i = 0; i < MAX_FAILURES; i++) await catchError(login('alice', 'wrong', `198.51.100.${i}`));

      await expect(login('alice', PASSWORDS.alice, '203.0.113.7')).rejects.toMatchObject({
        code: 'rate_limited',
      });
    });
  });

  describe('verified-credentials cache', () => {
    it('does not run bcrypt again for the same header within the TTL', async () => {
      const { login, clock, compare } = await setup();

      await login('alice', PASSWORDS.alice);
      clock.advance(CACHE_TTL_MS);
      await expect(login('alice', PASSWORDS.alice)).resolves.toMatchObject({ username: 'alice' });

      expect(compare).toHaveBeenCalledTimes(1);
    });

    it('runs bcrypt again for the same header after the TTL', async () => {
      const { login, clock, compare } = await setup();

      await login('alice', PASSWORDS.alice);
      clock.advance(CACHE_TTL_MS + 1);
      await expect(login('alice', PASSWORDS.alice)).resolves.toMatchObject({ username: 'alice' });

      expect(compare).toHaveBeenCalledTimes(2);
    });

    // BUG (credential-cache.ts, see credential-cache.spec.ts 'asks the clock on every lookup'): lru-cache reuses
    // the time of the previous lookup for 1 ms of real time, so a cache hit just before the TTL followed at once
    // by a request just after it is still served from the cache without bcrypt.
    it('expires a cached header even right after a cache hit', async () => {
      const { login, clock, compare } = await setup();

      await login('alice', PASSWORDS.alice);
      clock.advance(CACHE_TTL_MS);
      await expect(login('alice', PASSWORDS.alice)).resolves.toMatchObject({ username: 'alice' });
      expect(compare).toHaveBeenCalledTimes(1);

      clock.advance(1);
      await expect(login('alice', PASSWORDS.alice)).resolves.toMatchObject({ username: 'alice' });
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('still checks a different password for a user whose right password is cached', async () => {
      const { login, compare } = await setup();
      await login('alice', PASSWORDS.alice);

      await expect(login('alice', 'wrong')).rejects.toMatchObject({ code: 'unauthenticated' });
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('does not cache a failure', async () => {
      const { login, compare } = await setup();
      await catchError(login('alice', 'wrong'));
      await catchError(login('alice', 'wrong'));
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('runs bcrypt once for concurrent requests with the same header', async () => {
      const { login, compare } = await setup();
      const results = await Promise.all(Array.from({ length: 20 }, () => login('alice', PASSWORDS.alice)));
      expect(results.every((user) => user.username === 'alice')).toBe(true);
      expect(compare).toHaveBeenCalledTimes(1);
    });

    it('runs bcrypt again after the user file is reloaded', async () => {
      const { auth, login, compare } = await setup();
      await login('alice', PASSWORDS.alice);
      expect(await auth.reloadUsers()).toEqual([]);
      await login('alice', PASSWORDS.alice);
      expect(compare).toHaveBeenCalledTimes(2);
    });
  });
});

describe('AuthService with signed-up users', () => {
  const HASH_COST = 4;
  /** A signed-up account of `username` with `password` (a cheap hash: these tests are not about bcrypt's cost). */
  async function signUp(
    users: UsersRepository,
    username: string,
    password: string,
    status: 'active' | 'pending',
  ) {
    await users.create({
      username,
      displayName: username.toUpperCase(),
      passwordHash: await bcrypt.hash(password, HASH_COST),
      role: 'user',
      status,
      source: 'signup',
      createdMs: T0,
    });
  }

  it('refuses the right password of a pending account with forbidden, and forgives the attempt', async () => {
    const { login, users } = await setup();
    await signUp(users, 'erin', 'erin-password-1', 'pending');
    for (let i = 0; i < MAX_FAILURES + 1; i++) {
      await expect(login('erin', 'erin-password-1')).rejects.toMatchObject({
        code: 'forbidden',
        message: 'account awaiting approval',
      });
    }
  });

  it('answers a wrong password of a pending account as for anyone: unauthenticated', async () => {
    const { login, users } = await setup();
    await signUp(users, 'erin', 'erin-password-1', 'pending');
    await expect(login('erin', 'wrong')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('lets a pending account in once it is approved, also from the cache', async () => {
    const { auth, login, users } = await setup();
    await signUp(users, 'erin', 'erin-password-1', 'pending');
    await catchError(login('erin', 'erin-password-1'));
    await expect(auth.fromCache(basic('erin:erin-password-1'), '192.0.2.1')).rejects.toMatchObject({
      code: 'forbidden',
    });

    await users.approve('erin');

    await expect(auth.fromCache(basic('erin:erin-password-1'), '192.0.2.1')).resolves.toEqual({
      username: 'erin',
      displayName: 'ERIN',
    });
    await expect(login('erin', 'erin-password-1')).resolves.toMatchObject({ username: 'erin' });
  });

  it('forgets the verified credentials of a user at once, so that a changed password is checked again', async () => {
    const { auth, login, compare } = await setup();
    await login('alice', PASSWORDS.alice);
    auth.forgetCredentials('alice');
    await expect(auth.fromCache(basic(`alice:${PASSWORDS.alice}`), '192.0.2.1')).resolves.toBeUndefined();
    await login('alice', PASSWORDS.alice);
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('verifies a password without touching the failed-login limit', async () => {
    const { auth, login } = await setup();
    for (let i = 0; i < MAX_FAILURES + 1; i++)
      expect(await auth.verifyPassword('alice', 'wrong')).toBe(false);
    expect(await auth.verifyPassword('alice', PASSWORDS.alice)).toBe(true);
    expect(await auth.verifyPassword('mallory', PASSWORDS.alice)).toBe(false);
    await expect(login('alice', PASSWORDS.alice)).resolves.toMatchObject({ username: 'alice' });
  });

  it('hashes new passwords at cost 12 and raises the dummy hash to it, so unknown users cost as much', async () => {
    const { auth, login, compare } = await setup();
    const hash = await auth.hashPassword('a-new-password');
    expect(bcrypt.getRounds(hash)).toBe(NEW_PASSWORD_COST);
    await catchError(login('mallory', 'x'));
    expect(bcrypt.getRounds(compare.mock.calls[0][1])).toBe(NEW_PASSWORD_COST);
  });

  it('reloading the user file keeps signed-up users and answers the removed file users', async () => {
    const { auth, login, users } = await setup();
    await signUp(users, 'erin', 'erin-password-1', 'active');
    expect(await auth.reloadUsers()).toEqual([]);
    await expect(login('erin', 'erin-password-1')).resolves.toMatchObject({ username: 'erin' });
  });
});

describe("AuthService.fromCache (the guard's fast path)", () => {
  it('knows nothing of a header that was never verified', async () => {
    const { auth } = await setup();
    await expect(auth.fromCache(basic(`alice:${PASSWORDS.alice}`), '192.0.2.1')).resolves.toBeUndefined();
    await expect(auth.fromCache(undefined, '192.0.2.1')).resolves.toBeUndefined();
  });

  it('answers a verified header with its user, without bcrypt, until the cache TTL passes', async () => {
    const { auth, clock, compare, login } = await setup();
    await login('alice', PASSWORDS.alice);
    await expect(auth.fromCache(basic(`alice:${PASSWORDS.alice}`), '192.0.2.9')).resolves.toEqual({
      username: 'alice',
      displayName: 'Alice Liddell',
    });
    expect(compare).toHaveBeenCalledTimes(1);
    clock.advance(CACHE_TTL_MS + 1);
    await expect(auth.fromCache(basic(`alice:${PASSWORDS.alice}`), '192.0.2.9')).resolves.toBeUndefined();
  });

  it('refuses a verified header with rate_limited while its address is locked out', async () => {
    const { auth, login } = await setup();
    await login('alice', PASSWORDS.alice, '192.0.2.7');
    for (let i = 0; i < MAX_FAILURES; i++) await catchError(login(`nobody${i}`, 'guess', '192.0.2.7'));
    await expect(auth.fromCache(basic(`alice:${PASSWORDS.alice}`), '192.0.2.7')).rejects.toMatchObject({
      code: 'rate_limited',
    });
  });
});
