import { createServer, type Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { routeOf } from '../common/request-info.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { EvictionService } from '../messages/eviction.service.js';
import { MessageHub } from '../messages/message-hub.js';
import { MessageStreamService } from '../messages/stream/message-stream.service.js';

/**
 * Prometheus metrics, served on their own port (METRICS_PORT, off by default) so that they stay off the public
 * API. Counts come from where they happen: the hub (messages), the stream service (open streams), the eviction
 * job, the exception filter (auth failures, rate limiting) and a request middleware (durations).
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'chat_auth_failures_total',
    help: 'Requests refused for missing or wrong credentials',
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'chat_rate_limited_total',
    help: 'Requests refused with 429 (failed-login, request-rate, send-rate and stream limits)',
    registers: [this.registry],
  });
  private server?: Server;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    hub: MessageHub,
    streams: MessageStreamService,
    eviction: EvictionService,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const stored = new Counter({
      name: 'chat_messages_stored_total',
      help: 'Messages stored',
      registers: [this.registry],
    });
    hub.subscribe(() => stored.inc());
    new Gauge({
      name: 'chat_open_streams',
      help: 'Open /api/stream connections',
      registers: [this.registry],
      collect() {
        this.set(streams.openCount);
      },
    });
    let counted = 0;
    new Counter({
      name: 'chat_evicted_messages_total',
      help: 'Expired messages freed by the eviction job',
      registers: [this.registry],
      collect() {
        this.inc(eviction.totalEvicted - counted);
        counted = eviction.totalEvicted;
      },
    });
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = this.requestDuration.startTimer();
    res.once('finish', () =>
      end({
        method: req.method,
        route: routeOf(req) ?? 'other',
        status: res.statusCode,
      }),
    );
    next();
  };

  onApplicationBootstrap(): void {
    const { metrics } = this.config;
    if (!metrics) return;
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    this.server.on('error', (error) => this.logger.error(`metrics server: ${error.message}`));
    this.server.listen(metrics.port, metrics.host, () =>
      this.logger.log(`metrics on http://${metrics.host}:${metrics.port}/metrics`),
    );
  }

  onApplicationShutdown(): void {
    this.server?.close();
  }
}
