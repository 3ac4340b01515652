/** Wall-clock time in milliseconds since the epoch; injected so that time-dependent rules are testable. */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}
