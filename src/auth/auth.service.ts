import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { CredentialCache } from './credential-cache.js';
import { LoginLimiter } from './login-limiter.js';
import { MIN_BCRYPT_COST, type User } from './users-file.js';
import { UsersRepository } from './users.repository.js';

/** Decides whether Basic credentials belong to a user of the user file. */
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
  }

  async onModuleInit(): Promise<void> {
    const costs = this.users.costs();
    this.dummyHash = await bcrypt.hash('not a password', Math.max(MIN_BCRYPT_COST, ...costs));
  }

  /**
   * Reads the user file again (an invalid file throws and changes nothing) and forgets every verified credential.
   * Returns the usernames that are gone.
   */
  async reloadUsers(): Promise<string[]> {
    const before = this.users.list().map((u) => u.username);
    await this.users.load();
    this.cache.clear();
    return before.filter((username) => !this.users.find(username));
  }

  /**
   * The user whose credentials in `header` were verified recently, without parsing them or running bcrypt: the hot
   * path of every request after the first. Throws `rate_limited` while the username or the address is locked out.
   */
  fromCache(header: string | undefined, address: string): User | undefined {
    const username = header ? this.cache.get(this.cache.keyOf(header)) : undefined;
    const record = username === undefined ? undefined : this.users.find(username);
    if (!record) return undefined;
    this.limiter.assertAllowed(record.username, address);
    return { username: record.username, displayName: record.displayName };
  }

  /**
   * Verifies credentials taken from `header`. Throws `unauthenticated` for wrong ones and `rate_limited` while
   * the username or the address is locked out.
   */
  async authenticate(header: string, username: string, password: string, address: string): Promise<User> {
    this.limiter.assertAllowed(username, address);
    const key = this.cache.keyOf(header);
    const record = this.users.find(username);
    if (record && this.cache.get(key) === username) return { username, displayName: record.displayName };

    // A new guess counts as a failure before bcrypt runs, so that guesses sent in parallel cannot outrun the limit,
    // and is forgiven if it succeeds. A request that joins a check already running for the same header is the same
    // guess: it counts only if that check fails.
    const joining = this.cache.isVerifying(key);
    if (!joining) this.limiter.recordFailure(username, address);
    const ok = await this.cache.verify(key, username, async () => {
      const matches = await bcrypt.compare(password, record?.passwordHash ?? this.dummyHash);
      return matches && record !== undefined;
    });
    if (!ok || !record) {
      if (joining) this.limiter.recordFailure(username, address);
      throw new DomainError('unauthenticated', 'Invalid username or password');
    }
    if (!joining) this.limiter.forgive(username, address);
    return { username, displayName: record.displayName };
  }
}
