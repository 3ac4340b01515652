import { describe, expect, it } from '@jest/globals';
import { coalesce } from './coalesce.js';

describe('coalesce', () => {
  it('runs once more after the running run for any number of calls meanwhile, never two at once', async () => {
    let runs = 0;
    let active = 0;
    let release: () => void = () => {};
    const run = coalesce(async () => {
      runs++;
      active++;
      expect(active).toBe(1);
      await new Promise<void>((resolve) => (release = resolve));
      active--;
    });
    const first = run();
    const second = run();
    const third = run();
    expect(second).toBe(third);
    release();
    await first;
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
    release();
    await second;
    expect(runs).toBe(2);
  });

  it('runs again after a run that failed', async () => {
    let runs = 0;
    const run = coalesce(() => {
      runs++;
      return runs === 1 ? Promise.reject(new Error('first fails')) : Promise.resolve();
    });
    await expect(run()).rejects.toThrow('first fails');
    await run();
    expect(runs).toBe(2);
  });
});
