import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from './config/app.config.js';
import { requireJson, requireJsonObject } from './common/require-json.middleware.js';

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

/**
 * What an app needs beyond its modules: the `/api` prefix, body parsing with its limits, Express settings and
 * the OpenAPI document. The app must be created with `{ bodyParser: false }`. Shared by main.ts and the e2e tests.
 */
export function setupApp(app: NestExpressApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy.length > 0 ? config.trustProxy : false);
  app.use('/api', requireJson);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.use('/api', requireJsonObject);
  SwaggerModule.setup('api/docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
}
