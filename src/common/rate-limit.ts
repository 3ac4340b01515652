import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.js';

/**
 * Per-key token buckets: `ratePerSecond` sustained, `burst` at once. Bounded: the least recently used keys
 * are forgotten first (a forgotten key starts with a full bucket).
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, { tokens: number; at: number }>;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
    maxKeys = 100_000,
  ) {
    this.buckets = new LRUCache({ max: maxKeys });
  }

  /** Takes one token; returns 0 when allowed, otherwise the milliseconds until a token is available. */
  take(key: string): number {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    const tokens = Math.min(this.burst, bucket.tokens + (elapsed * this.ratePerSecond) / 1000);
    // A clock that steps back must not refill the same interval twice when it comes forward again.
    const at = Math.max(now, bucket.at);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at });
      return Math.ceil(((1 - tokens) * 1000) / this.ratePerSecond);
    }
    this.buckets.set(key, { tokens: tokens - 1, at });
    return 0;
  }
}

/**
 * Counts events per key in fixed windows: once a key has `max` events in its window it is blocked until the
 * window that began with its first event ends. Bounded like TokenBuckets.
 */
export class WindowCounters {
  private readonly windows: LRUCache<string, { count: number; endsAt: number }>;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    maxKeys = 100_000,
  ) {
    this.windows = new LRUCache({ max: maxKeys });
  }

  /** Milliseconds until the key is unblocked, 0 when it is not blocked. */
  blockedFor(key: string): number {
    const window = this.current(key);
    return window && window.count >= this.max ? window.endsAt - this.clock.now() : 0;
  }

  /** Takes back one recorded event (e.g. an attempt that turned out to succeed). */
  release(key: string): void {
    const window = this.current(key);
    if (window && window.count > 0) window.count -= 1;
  }

  record(key: string): void {
    const window = this.current(key) ?? { count: 0, endsAt: this.clock.now() + this.windowMs };
    window.count += 1;
    this.windows.set(key, window);
  }

  private current(key: string) {
    const window = this.windows.get(key);
    if (window && window.endsAt <= this.clock.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}
