import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { WindowCounters } from '../common/rate-limit.js';
import { appConfig, type AppConfig } from '../config/app.config.js';

/**
 * Counts failed logins per username and per client address. Past the limit, every attempt for that username
 * or from that address is refused (429) until the window ends, even with the right password.
 */
@Injectable()
export class LoginLimiter {
  private readonly failures: WindowCounters;

  constructor(@Inject(appConfig.KEY) config: AppConfig, clock: Clock) {
    this.failures = new WindowCounters(config.auth.maxFailures, config.auth.failureWindowMs, clock);
  }

  assertAllowed(username: string, address: string): void {
    const waitMs = Math.max(
      this.failures.blockedFor(`user:${username}`),
      this.failures.blockedFor(`addr:${address}`),
    );
    if (waitMs > 0) throw DomainError.rateLimited('Too many failed logins; try again later', waitMs);
  }

  recordFailure(username: string, address: string): void {
    this.failures.record(`user:${username}`);
    this.failures.record(`addr:${address}`);
  }

  /** Takes back a failure recorded for an attempt that succeeded. */
  forgive(username: string, address: string): void {
    this.failures.release(`user:${username}`);
    this.failures.release(`addr:${address}`);
  }
}
