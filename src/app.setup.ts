import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from 'helmet';
import { REQUEST_LOGGER } from './common/logging.module.js';
import { OverloadMonitor } from './common/overload.js';
import { MetricsService } from './metrics/metrics.service.js';
import { requireJson, requireJsonObject } from './common/require-json.middleware.js';
import type { AppConfig } from './config/app.config.js';

export const BODY_LIMIT = '16kb';

/** Builds the OpenAPI document of the API. */
export function createOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Chat server API')
    .setDescription('HTTP+JSON API of the chat server; the contract is docs/API.md.')
    .setVersion('1')
    .addBasicAuth()
    .build();
  return SwaggerModule.createDocument(app, options);
}

/** Security headers: a strict CSP for the page (no inline scripts), no framing, HSTS only over TLS. */
function securityHeaders(config: AppConfig) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: config.tls ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
  });
}

/**
 * What an app needs beyond its modules: request logs, load shedding, security headers, CORS (off unless CORS_ORIGINS), the
 * `/api` prefix, body parsing with its limits, Express settings and the OpenAPI document. The app must be created
 * with `{ bodyParser: false }`. Shared by main.ts and the e2e tests.
 */
export function setupApp(app: NestExpressApplication, config: AppConfig): void {
  app.use(app.get(REQUEST_LOGGER));
  app.use(app.get(OverloadMonitor).middleware);
  app.use(app.get(MetricsService).middleware);
  app.use(securityHeaders(config));
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Requested-With', 'Last-Event-ID'],
      maxAge: 600,
    });
  }
  app.setGlobalPrefix('api');
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy.length > 0 ? config.trustProxy : false);
  app.use('/api', requireJson);
  // inflate: false refuses compressed bodies (415), so a small gzip bomb cannot expand past the limit.
  app.useBodyParser('json', { limit: BODY_LIMIT, inflate: false });
  app.use('/api', requireJsonObject);
  SwaggerModule.setup('api/docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
}
