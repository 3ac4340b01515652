import { Redis } from 'ioredis';

/** The local Redis the tests use (`.ci/run` starts it); each test gets a key prefix of its own in it. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis URL where nothing listens: port 1 on loopback refuses at once. */
export const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';

let prefixes: string[] = [];

/** A `REDIS_PREFIX` no other test uses, so that tests sharing the Redis do not share counts. */
export function newRedisPrefix(): string {
  const prefix = `chat-test-${process.pid}-${prefixes.length + 1}-${Date.now() % 100_000}`;
  prefixes.push(prefix);
  return prefix;
}

/** Deletes the keys under the prefixes made by this test file; call in `afterAll`. */
export async function removeRedisPrefixes(): Promise<void> {
  if (prefixes.length === 0) return;
  const redis = new Redis(TEST_REDIS_URL);
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
  prefixes = [];
}

/** The keys under `prefix` now, sorted. */
export async function redisKeys(prefix: string): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    return (await redis.keys(`${prefix}:*`)).sort();
  } finally {
    await redis.quit();
  }
}
