import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { CredentialCache } from './credential-cache.js';
import { LoginLimiter } from './login-limiter.js';
import type { Account } from './store/user-store.js';
import { MIN_BCRYPT_COST, type User } from './users-file.js';
import { UsersRepository } from './users.repository.js';

/** The bcrypt cost of the passwords the server hashes itself (API.md, POST /api/signup). */
export const NEW_PASSWORD_COST = 12;

/** Decides whether Basic credentials belong to a user, and whether that user may use the API yet. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly cache: CredentialCache;
  /** Compared against for unknown usernames, so that they cost as much time as a wrong password. */
  private dummyHash = '';

  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    clock: Clock,
    private readonly users: UsersRepository,
    private readonly limiter: LoginLimiter,
  ) {
    this.cache = new CredentialCache(config.auth.cacheTtlMs, config.auth.cacheMaxEntries, clock);
    // A password changed or an account removed through another instance stops working here at once too.
    users.onChange((username) => this.cache.forget(username));
  }

  async onModuleInit(): Promise<void> {
    const costs = this.users.costs();
    this.dummyHash = await bcrypt.hash('not a password', Math.max(MIN_BCRYPT_COST, ...costs));
  }

  /**
   * A bcrypt hash of a new password (sign-up, password change), made on libuv's thread pool. The dummy hash is raised
   * to the same cost alongside if needed, so that an unknown username never answers faster than a signed-up user.
   */
  async hashPassword(password: string): Promise<string> {
    const [hash] = await Promise.all([bcrypt.hash(password, NEW_PASSWORD_COST), this.raiseDummyCost()]);
    return hash;
  }

  private async raiseDummyCost(): Promise<void> {
    if (bcrypt.getRounds(this.dummyHash) < NEW_PASSWORD_COST) {
      this.dummyHash = await bcrypt.hash('not a password', NEW_PASSWORD_COST);
    }
  }

  /**
   * Reads the user file again into the store (an invalid file throws and changes nothing) and forgets every verified
   * credential. Returns the users of the file that are gone from it; signed-up users stay.
   */
  async reloadUsers(): Promise<string[]> {
    const removed = await this.users.load();
    this.cache.clear();
    return removed;
  }

  /** Whether `password` is the user's password now; for confirming a change to the account. */
  async verifyPassword(username: string, password: string): Promise<boolean> {
    const account = this.users.findAccount(username);
    const matches = await bcrypt.compare(password, account?.passwordHash ?? this.dummyHash);
    return matches && account !== undefined;
  }

  /** Forgets the verified credentials of a user whose password changed or whose account is gone, at once. */
  forgetCredentials(username: string): void {
    this.cache.forget(username);
  }

  /**
   * The user whose credentials in `header` were verified recently, without parsing them or running bcrypt: the hot
   * path of every request after the first. Throws `rate_limited` while the username or the address is locked out.
   */
  async fromCache(header: string | undefined, address: string): Promise<User | undefined> {
    const username = header ? this.cache.get(this.cache.keyOf(header)) : undefined;
    const record = username === undefined ? undefined : this.users.findAccount(username);
    if (!record) return undefined;
    await this.limiter.assertAllowed(record.username, address);
    return admitted(record);
  }

  /**
   * Verifies credentials taken from `header`. Throws `unauthenticated` for wrong ones, `rate_limited` while
   * the username or the address is locked out, and `forbidden` for the right ones of a sign-up awaiting approval.
   */
  async authenticate(header: string, username: string, password: string, address: string): Promise<User> {
    const key = this.cache.keyOf(header);
    const record = this.users.findAccount(username);
    if (record && this.cache.get(key) === username) {
      await this.limiter.assertAllowed(username, address);
      return admitted(record);
    }
    // A request about to join a check already running (below) is still refused while its own address is locked out.
    if (this.cache.isVerifying(key)) await this.limiter.assertAllowed(username, address);

    // A new guess counts as a failure of its username before bcrypt runs, in one step with the limit check, so that
    // guesses sent in parallel (to any instance) cannot outrun the limit, and is forgiven if it succeeds; its address
    // counts it once it failed (LoginLimiter.reserve). A request that joins a check already running for the same
    // header is the same guess: it counts only if that check fails.
    const joining = this.cache.isVerifying(key);
    const ok = await this.cache.verify(key, username, async () => {
      await this.limiter.reserve(username, address);
      const matches =
        (await bcrypt.compare(password, record?.passwordHash ?? this.dummyHash)) && record !== undefined;
      await (matches ? this.limiter.forgive(username) : this.limiter.failed(address));
      return matches;
    });
    if (!ok || !record) {
      if (joining) await this.limiter.recordFailure(username, address);
      throw new DomainError('unauthenticated', 'Invalid username or password');
    }
    return admitted(record);
  }
}

/** The user of verified credentials, unless the account may not use the API yet. */
function admitted(account: Account): User {
  if (account.status === 'pending') throw DomainError.forbidden('account awaiting approval');
  return { username: account.username, displayName: account.displayName };
}
