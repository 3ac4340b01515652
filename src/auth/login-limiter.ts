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
    const counts = await Promise.all(keysOf(username, address).map((key) => this.failures.get(key)));
    this.throwIfOver(counts, this.maxFailures);
  }

  /**
   * Counts an attempt as a failure before its password is checked, and refuses it (taking the count back) if that
   * puts the username or the address past the limit. Counting and checking are one step in the store, so attempts
   * sent in parallel, to one instance or several, cannot outrun the limit.
   */
  async reserve(username: string, address: string): Promise<void> {
    const keys = keysOf(username, address);
    const counts = await Promise.all(keys.map((key) => this.failures.penalty(key)));
    try {
      this.throwIfOver(counts, this.maxFailures + 1);
    } catch (error) {
      await Promise.all(keys.map((key) => this.failures.reward(key)));
      throw error;
    }
  }

  /** Counts a failure without checking the limit (an attempt that joined a check already reserved). */
  async recordFailure(username: string, address: string): Promise<void> {
    await Promise.all(keysOf(username, address).map((key) => this.failures.penalty(key)));
  }

  /** Takes back a failure reserved for an attempt that succeeded. */
  async forgive(username: string, address: string): Promise<void> {
    await Promise.all(keysOf(username, address).map((key) => this.failures.reward(key)));
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

const keysOf = (username: string, address: string) => [`user:${username}`, `addr:${address}`];
