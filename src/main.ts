import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { setupApp } from './app.setup.js';
import { appConfig, type AppConfig } from './config/app.config.js';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    abortOnError: false,
    // Held back until start-up succeeds, so a bad setting is reported in one line rather than with Nest's stack trace.
    bufferLogs: true,
    autoFlushLogs: false,
    logger: ['fatal', 'error', 'warn', 'log'],
  });
  app.flushLogs();
  const config = app.get<AppConfig>(appConfig.KEY);
  setupApp(app, config);
  await app.listen(config.port, config.host);
  const logger = new Logger('Bootstrap');
  logger.log(`Chat server listening on http://${config.host}:${config.port}`);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal}: shutting down (a second signal exits at once)`);
    process.once(signal, () => process.exit(1));
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', error instanceof Error ? error.stack : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

bootstrap().catch((error: unknown) => {
  // A bad environment or user file: say what is wrong, without a stack trace, and stop.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
