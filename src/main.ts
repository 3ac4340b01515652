import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { setupApp } from './app.setup.js';
import { appConfig, type AppConfig } from './config/app.config.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    abortOnError: false,
    logger: ['fatal', 'error', 'warn', 'log'],
  });
  const config = app.get<AppConfig>(appConfig.KEY);
  setupApp(app, config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Chat server listening on http://${config.host}:${config.port}`);
}

bootstrap().catch((error: unknown) => {
  // A bad environment or user file: say what is wrong, without a stack trace, and stop.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
