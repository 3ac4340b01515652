import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../common/clock.js';

/**
 * Remembers which Authorization headers were verified recently, so that bcrypt runs once per (user, password)
 * per TTL rather than per request. Keys are HMACs of the header under a per-process random key, never the
 * password; only successes are kept. Concurrent checks of one not-yet-verified header share one verification.
 */
export class CredentialCache {
  private readonly secret = randomBytes(32);
  private readonly verified: LRUCache<string, string>;
  private readonly pending = new Map<string, Promise<boolean>>();
  /**
   * Bumped by `forget` and `clear`: a verification that started before (against a password that may have changed
   * since) still answers its callers but is not remembered.
   */
  private generation = 0;

  constructor(ttlMs: number, maxEntries: number, clock: Clock) {
    // ttlResolution 0: ask the clock on every lookup rather than reuse a recent reading.
    this.verified = new LRUCache({ max: maxEntries, ttl: Math.max(ttlMs, 1), ttlResolution: 0, perf: clock });
  }

  keyOf(header: string): string {
    return createHmac('sha256', this.secret).update(header).digest('base64url');
  }

  /** The username verified for this key, if still fresh. */
  get(key: string): string | undefined {
    return this.verified.get(key);
  }

  /** Whether a verification of this key is under way. */
  isVerifying(key: string): boolean {
    return this.pending.has(key);
  }

  /** Runs `verify` for this key unless a run is already under way, whose result is then shared. */
  async verify(key: string, username: string, verify: () => Promise<boolean>): Promise<boolean> {
    let run = this.pending.get(key);
    if (!run) {
      const generation = this.generation;
      run = verify()
        .then((ok) => {
          if (ok && generation === this.generation) this.verified.set(key, username);
          return ok;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, run);
    }
    return run;
  }

  /** Forgets every verified header of `username` (its password changed, or its account is gone). */
  forget(username: string): void {
    this.generation += 1;
    const keys = [...this.verified.entries()].filter(([, name]) => name === username).map(([key]) => key);
    for (const key of keys) this.verified.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.verified.clear();
  }
}
