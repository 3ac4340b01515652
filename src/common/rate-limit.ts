import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { DomainError } from './domain-error.js';

/** How often the extra sends of a burst (burst minus the rate per second) may be used: once per this window. */
export const BURST_WINDOW_SECONDS = 60;
/** A Redis command that takes longer counts as an outage: the limiter answers from memory instead of waiting. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
const REDIS_CONNECT_TIMEOUT_MS = 2000;

type LimiterOptions = ConstructorParameters<typeof RateLimiterMemory>[0];

/** What a request takes a point from: a fixed-window limiter or a bursty one. */
export interface PointLimiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * Makes the rate limiters, all on one backend: with REDIS_URL, rate-limiter-flexible's RateLimiterRedis, so that
 * every instance counts against the same limits; without it, RateLimiterMemory in this process. A limiter's keys are
 * `<REDIS_PREFIX>:limit:<limiter>:<key>`.
 *
 * Redis being unreachable, at start or later, does not stop the server: each Redis limiter then answers from its
 * insurance RateLimiterMemory, so that limits hold per instance (as without REDIS_URL) until Redis answers again.
 * Failing closed instead would refuse every login and message for the outage (and hand whoever can take Redis down
 * a switch for that); failing open would drop the brute-force protection. Per-instance limits multiply an attacker's
 * allowance by the number of instances, no more. The outage is logged once, and so is the recovery.
 */
@Injectable()
export class RateLimits implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimits.name);
  private readonly redis: Redis | null = null;
  private readonly keyPrefix: string;
  /** `host:port` of Redis, for the log (the URL may hold a password). */
  private readonly where: string = '';
  /** Whether the Redis limiters are answering from memory; logged when it starts and when it ends. */
  private degraded = false;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.keyPrefix = `${config.redis?.prefix ?? 'chat'}:limit`;
    if (!config.redis) return;
    const url = new URL(config.redis.url);
    this.where = `${url.hostname}:${url.port || 6379}`;
    this.redis = new Redis(config.redis.url, {
      // Connected in onModuleInit, where a failure is logged instead of thrown.
      lazyConnect: true,
      // While disconnected, commands fail at once (and the insurance answers) instead of waiting in a queue.
      enableOfflineQueue: false,
      // A command cut off by a lost connection has been answered by the insurance: sending it again counts it twice.
      autoResendUnfulfilledCommands: false,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    });
    // ioredis reconnects on its own (backing off to 2 s); each failed attempt is an `error` event.
    this.redis.on('error', (error: Error) => this.fallBack(error.message));
    this.redis.on('ready', () => this.recovered());
  }

  async onModuleInit(): Promise<void> {
    await this.redis?.connect().catch((error: Error) => this.fallBack(error.message));
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }

  /**
   * `points` per key in fixed windows of `seconds` (whole seconds: Redis expires keys by the second), each starting
   * with the first point its key takes. Past the limit, `consume` rejects with the time until the window ends. In
   * memory a key is kept, with a timer, until its window ends; in Redis it expires then.
   */
  window(name: string, points: number, seconds: number): RateLimiterAbstract {
    const options: LimiterOptions = { keyPrefix: `${this.keyPrefix}:${name}`, points, duration: seconds };
    if (!this.redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: this.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new InsuranceLimiter(options, () => this.fallBack('a command failed or timed out')),
      // A key that has used up its window is refused from memory until the window ends: a flood costs Redis nothing.
      inMemoryBlockOnConsumed: points,
    });
  }

  /**
   * A token bucket's "`ratePerSecond` sustained, `burst` at once" (SEND_RATE_PER_SECOND, SEND_BURST) in fixed windows
   * (rate-limiter-flexible's BurstyRateLimiter): `ratePerSecond` per one-second window, and when a window is used
   * up, `burst - ratePerSecond` extra per BURST_WINDOW_SECONDS. So a key gets `burst` at once, then `ratePerSecond`
   * a second; the extra come back a minute after they were first used (a bucket refills them after a pause), and a
   * key that keeps sending at full speed averages `ratePerSecond` plus the extra once a minute (10.17/s for 10/20).
   * A refusal waits until the end of the one-second window (a bucket: 1/rate), at most 1 s, which is also the
   * smallest `Retry-After`. Fixed windows let up to `burst + ratePerSecond` through around a window's end (a bucket:
   * `burst`). A `burst` below `ratePerSecond` counts as `ratePerSecond` (env.schema.ts refuses it).
   */
  bursty(name: string, ratePerSecond: number, burst: number): PointLimiter {
    const perSecond = this.window(name, ratePerSecond, 1);
    if (burst <= ratePerSecond) return perSecond;
    return new BurstyRateLimiter(
      perSecond,
      this.window(`${name}-burst`, burst - ratePerSecond, BURST_WINDOW_SECONDS),
    );
  }

  private fallBack(reason: string): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      `Redis at ${this.where} is not answering (${reason}): each instance keeps its own limits until it does`,
    );
  }

  private recovered(): void {
    if (this.degraded) this.logger.log(`Redis at ${this.where} answers again: limits are shared again`);
    else this.logger.log(`limits are kept in Redis at ${this.where}, shared by the instances`);
    this.degraded = false;
  }
}

/** Takes a point for `key`; past the limit throws `rate_limited` with the time until the key may go on. */
export async function consumeOrThrow(limiter: PointLimiter, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    throw DomainError.rateLimited(message, rejection.msBeforeNext);
  }
}

/** The per-instance stand-in for a Redis limiter while Redis does not answer; reports each use. */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    options: LimiterOptions,
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.onUse();
    return super.consume(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory['penalty']>) {
    this.onUse();
    return super.penalty(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory['reward']>) {
    this.onUse();
    return super.reward(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>) {
    this.onUse();
    return super.get(...args);
  }
}
