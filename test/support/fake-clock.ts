import { Clock } from '../../src/common/clock.js';

/** A clock the test moves by hand, for the time-dependent rules (TTL, rate limits, lockout windows). */
export class FakeClock extends Clock {
  constructor(public time = Date.parse('2026-11-27T10:00:00.000Z')) {
    super();
  }

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  set(time: number): void {
    this.time = time;
  }
}
