import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { appConfig, type AppConfig } from '../config/app.config.js';

const SAMPLE_EVERY_MS = 500;
const RETRY_AFTER_SECONDS = 2;

/**
 * Watches the event loop's delay; while its p99 over the last half second passes the threshold
 * (OVERLOAD_EVENT_LOOP_DELAY_MS, 0 = off), new requests are shed with `503` and `Retry-After` rather than queued
 * without end. Health stays answerable, so that a load balancer can tell a busy instance from a dead one.
 */
@Injectable()
export class OverloadMonitor implements OnModuleDestroy {
  overloaded = false;
  private readonly thresholdMs: number;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.thresholdMs = config.server.overloadDelayMs;
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS).unref();
  }

  /** Takes the delay measured since the last sample (or the one given) and decides whether to shed load. */
  sample(delayMs = this.histogram.percentile(99) / 1e6): void {
    this.overloaded = this.thresholdMs > 0 && delayMs > this.thresholdMs;
    this.histogram.reset();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.overloaded || req.path === '/api/health') return next();
    res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    res
      .status(503)
      .json({ statusCode: 503, error: 'Service Unavailable', message: 'Server overloaded; retry later' });
  };
}
