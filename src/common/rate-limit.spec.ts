import { describe, expect, it } from '@jest/globals';
import { TokenBuckets, WindowCounters } from './rate-limit.js';
import { FakeClock } from '../../test/support/fake-clock.js';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');

/** Takes `count` tokens and returns the answers. */
const takeMany = (buckets: TokenBuckets, key: string, count: number) =>
  Array.from({ length: count }, () => buckets.take(key));

describe('TokenBuckets', () => {
  it('allows a full burst at once and refuses the next take', () => {
    const buckets = new TokenBuckets(10, 20, new FakeClock(T0));
    expect(takeMany(buckets, 'alice', 20)).toEqual(Array(20).fill(0));
    expect(buckets.take('alice')).toBeGreaterThan(0);
  });

  it('answers a refusal with the time until the next token', () => {
    const buckets = new TokenBuckets(10, 20, new FakeClock(T0));
    takeMany(buckets, 'alice', 20);
    expect(buckets.take('alice')).toBe(100);
  });

  it('counts down the wait as time passes', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    takeMany(buckets, 'alice', 20);
    clock.advance(40);
    expect(buckets.take('alice')).toBe(60);
  });

  it('does not charge a refused take', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    takeMany(buckets, 'alice', 20);
    takeMany(buckets, 'alice', 5);
    clock.advance(100);
    expect(buckets.take('alice')).toBe(0);
  });

  it('refills at the sustained rate', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    takeMany(buckets, 'alice', 20);

    clock.advance(500);

    expect(takeMany(buckets, 'alice', 5)).toEqual([0, 0, 0, 0, 0]);
    expect(buckets.take('alice')).toBeGreaterThan(0);
  });

  it('refills no further than the burst', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    buckets.take('alice');

    clock.advance(3_600_000);

    expect(takeMany(buckets, 'alice', 20)).toEqual(Array(20).fill(0));
    expect(buckets.take('alice')).toBeGreaterThan(0);
  });

  it('sustains the rate over time: 10 per second at most once the burst is spent', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      for (let i = 0; i < 3; i++) if (buckets.take('alice') === 0) allowed++;
      clock.advance(10);
    }
    // 20 burst + 10/s for 10 s, give or take the token refilled during the last step.
    expect(allowed).toBeGreaterThanOrEqual(119);
    expect(allowed).toBeLessThanOrEqual(120);
  });

  it('does not mint tokens when the clock goes backwards', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    takeMany(buckets, 'alice', 20);
    clock.advance(-60_000);
    expect(buckets.take('alice')).toBeGreaterThan(0);
  });

  // BUG (rate-limit.ts, TokenBuckets.take): a take while the clock stands behind the bucket's time stores
  // `at: now`, moving the bucket's time backwards; when the clock comes back, the same interval is refilled a
  // second time. Here a step back of 60 s and forth again yields a full burst of 20 instead of 0 tokens.
  it('does not mint tokens when the clock steps back and then forward again', () => {
    const clock = new FakeClock(T0);
    const buckets = new TokenBuckets(10, 20, clock);
    takeMany(buckets, 'alice', 20);
    clock.advance(-60_000);
    buckets.take('alice');
    clock.advance(60_000);

    expect(buckets.take('alice')).toBeGreaterThan(0);
  });

  it('keeps keys independent', () => {
    const buckets = new TokenBuckets(10, 20, new FakeClock(T0));
    takeMany(buckets, 'alice', 20);
    expect(buckets.take('alice')).toBeGreaterThan(0);
    expect(takeMany(buckets, 'bob', 20)).toEqual(Array(20).fill(0));
  });

  it('forgets the least recently used key past maxKeys, which then starts with a full bucket', () => {
    const buckets = new TokenBuckets(1, 1, new FakeClock(T0), 2);
    buckets.take('a');
    buckets.take('b');
    buckets.take('a'); // refused, but makes 'a' the most recently used
    buckets.take('c'); // evicts 'b'

    expect(buckets.take('a')).toBeGreaterThan(0);
    expect(buckets.take('b')).toBe(0);
  });
});

describe('WindowCounters', () => {
  const WINDOW = 15 * 60_000;

  it('does not block a key below the limit', () => {
    const counters = new WindowCounters(3, WINDOW, new FakeClock(T0));
    expect(counters.blockedFor('k')).toBe(0);
    counters.record('k');
    counters.record('k');
    expect(counters.blockedFor('k')).toBe(0);
  });

  it('blocks a key once it reaches the limit, until the end of the window', () => {
    const counters = new WindowCounters(3, WINDOW, new FakeClock(T0));
    for (let i = 0; i < 3; i++) counters.record('k');
    expect(counters.blockedFor('k')).toBe(WINDOW);
  });

  it('measures the window from the first event, not the last', () => {
    const clock = new FakeClock(T0);
    const counters = new WindowCounters(3, WINDOW, clock);
    counters.record('k');
    clock.advance(60_000);
    counters.record('k');
    clock.advance(60_000);
    counters.record('k');

    expect(counters.blockedFor('k')).toBe(WINDOW - 120_000);
  });

  it('unblocks exactly when the window ends and starts counting afresh', () => {
    const clock = new FakeClock(T0);
    const counters = new WindowCounters(3, WINDOW, clock);
    for (let i = 0; i < 3; i++) counters.record('k');

    clock.advance(WINDOW - 1);
    expect(counters.blockedFor('k')).toBe(1);
    clock.advance(1);
    expect(counters.blockedFor('k')).toBe(0);

    counters.record('k');
    counters.record('k');
    expect(counters.blockedFor('k')).toBe(0);
    counters.record('k');
    expect(counters.blockedFor('k')).toBe(WINDOW);
  });

  it('forgets events of a window that ended below the limit', () => {
    const clock = new FakeClock(T0);
    const counters = new WindowCounters(3, WINDOW, clock);
    counters.record('k');
    counters.record('k');
    clock.advance(WINDOW);
    counters.record('k');
    counters.record('k');
    expect(counters.blockedFor('k')).toBe(0);
  });

  it('does not extend the block when more events are recorded while blocked', () => {
    const clock = new FakeClock(T0);
    const counters = new WindowCounters(3, WINDOW, clock);
    for (let i = 0; i < 3; i++) counters.record('k');
    clock.advance(1000);
    for (let i = 0; i < 10; i++) counters.record('k');
    expect(counters.blockedFor('k')).toBe(WINDOW - 1000);
  });

  it('keeps keys independent', () => {
    const counters = new WindowCounters(3, WINDOW, new FakeClock(T0));
    for (let i = 0; i < 3; i++) counters.record('a');
    counters.record('b');
    expect(counters.blockedFor('a')).toBeGreaterThan(0);
    expect(counters.blockedFor('b')).toBe(0);
  });

  it('forgets the least recently used key past maxKeys', () => {
    const counters = new WindowCounters(1, WINDOW, new FakeClock(T0), 2);
    counters.record('a');
    counters.record('b');
    expect(counters.blockedFor('a')).toBeGreaterThan(0); // makes 'a' the most recently used
    counters.record('c'); // evicts 'b'

    expect(counters.blockedFor('a')).toBeGreaterThan(0);
    expect(counters.blockedFor('b')).toBe(0);
    expect(counters.blockedFor('c')).toBeGreaterThan(0);
  });
});
