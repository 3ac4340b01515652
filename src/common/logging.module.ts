import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Level } from 'pino';
import { pinoHttp } from 'pino-http';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { routeOf, userOf } from './request-info.js';

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** A request id from a trusted-looking X-Request-Id, or a new one; echoed in the response. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Adds who made the request, from where (after TRUST_PROXY), and which route answered it. */
function withUserAndRoute(req: IncomingMessage, _res: ServerResponse, line: Record<string, unknown>) {
  return {
    ...line,
    user: userOf(req),
    route: routeOf(req),
    address: (req as IncomingMessage & { ip?: string }).ip,
  };
}

/** The request logger: one pino-http middleware, mounted first by `setupApp`. */
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');
type RequestLogger = ReturnType<typeof createRequestLogger>;

function createRequestLogger(config: AppConfig) {
  return pinoHttp({
    level: config.logLevel === 'verbose' ? 'trace' : config.logLevel,
    transport:
      config.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    genReqId: requestId,
    quietReqLogger: true,
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/api/health' },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error): Level =>
      error || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessObject: withUserAndRoute,
    customErrorObject: (
      req: IncomingMessage,
      res: ServerResponse,
      _error: Error,
      line: Record<string, unknown>,
    ) => withUserAndRoute(req, res, line),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

@Module({
  providers: [{ provide: REQUEST_LOGGER, inject: [appConfig.KEY], useFactory: createRequestLogger }],
  exports: [REQUEST_LOGGER],
})
class RequestLoggerModule {}

/**
 * Structured logs: one JSON line per request with its id, user, method, route, status and latency (pino-http), and
 * Nest's own logs in the same stream (nestjs-pino's Logger over the same pino instance). nestjs-pino's request
 * middleware is not mounted (`forRoutes: []`): it runs every request in an AsyncLocalStorage, which on Node 20 turns
 * on promise hooks for the whole process: 7-15 % of the throughput of a cached GET (docs/PERFORMANCE.md).
 * Nothing here logs from inside a request, so nothing needs that context. Headers are never logged, so neither are
 * credentials.
 */
@Module({
  imports: [
    RequestLoggerModule,
    LoggerModule.forRootAsync({
      imports: [RequestLoggerModule],
      inject: [REQUEST_LOGGER],
      useFactory: (requestLogger: RequestLogger) => ({
        pinoHttp: { logger: requestLogger.logger },
        forRoutes: [],
      }),
    }),
  ],
  exports: [RequestLoggerModule],
})
export class LoggingModule {}
