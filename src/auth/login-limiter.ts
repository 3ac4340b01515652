import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '../common/domain-error.js';
import { RateLimits } from '../common/rate-limit.js';
import { appConfig, type AppConfig } from '../config/app.config.js';

/**
 * Counts failed logins per username and per client address, in windows of LOGIN_WINDOW_SECONDS from a key's first
 * failure; with REDIS_URL every instance counts in the same place. Past LOGIN_MAX_FAILURES, every attempt for that
 * username or from that address is refused (429) until the window ends, even with the right password.
 */
@Injectable()
export class LoginLimiter {
  private readonly failures: RateLimiterAbstract;
  private readonly maxFailures: number;

  constructor(@Inject(appConfig.KEY) config: AppConfig, limits: RateLimits) {
    this.maxFailures = config.auth.maxFailures;
    this.failures = limits.window('login-failures', this.maxFailures, config.auth.failureWindowMs / 1000);
  }

  /** Throws `rate_limited` while the username or the address is locked out; counts nothing. */
  async assertAllowed(username: string, address: string): Promise<void> {
    const counts = await Promise.all(
      [userKey(username), addressKey(address)].map((key) => this.failures.get(key)),
    );
    this.throwIfOver(counts, this.maxFailures);
  }

  /**
   * Counts an attempt as a failure of its username before its password is checked, and refuses it (taking the count
   * back) if that puts the username past the limit, or if its address is past the limit already. Counting and
   * checking the username is one step in the store, so guesses at one account sent in parallel, to one instance or
   * several, cannot outrun the limit. The address counts only failures (`failed`): people behind one address (an
   * office) logging in at the same moment are many attempts in flight but no failure.
   */
  async reserve(username: string, address: string): Promise<void> {
    const [user, fromAddress] = await Promise.all([
      this.failures.penalty(userKey(username)),
      this.failures.get(addressKey(address)),
    ]);
    try {
      this.throwIfOver([user], this.maxFailures + 1);
      this.throwIfOver([fromAddress], this.maxFailures);
    } catch (error) {
      await this.failures.reward(userKey(username));
      throw error;
    }
  }

  /** Counts the failure of a reserved attempt against its address (its username's count is already taken). */
  async failed(address: string): Promise<void> {
    await this.failures.penalty(addressKey(address));
  }

  /** Counts a failure without checking the limit (an attempt that joined a check already reserved). */
  async recordFailure(username: string, address: string): Promise<void> {
    await Promise.all([this.failures.penalty(userKey(username)), this.failures.penalty(addressKey(address))]);
  }

  /** Takes back the count reserved for an attempt that succeeded. */
  async forgive(username: string): Promise<void> {
    await this.failures.reward(userKey(username));
  }

  /** Throws `rate_limited`, with the longest wait, if any count has reached `limit`. */
  private throwIfOver(counts: (RateLimiterRes | null)[], limit: number): void {
    const waitMs = Math.max(
      0,
      ...counts.map((count) => (count && count.consumedPoints >= limit ? count.msBeforeNext : 0)),
    );
    if (waitMs > 0) throw DomainError.rateLimited('Too many failed logins; try again later', waitMs);
  }
}

const userKey = (username: string) => `user:${username}`;
const addressKey = (address: string) => `addr:${address}`;
