import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { setupApp } from './app.setup.js';
import { AuthService } from './auth/auth.service.js';
import { createLimitedServer, HardenedExpressAdapter } from './common/hardened-express.adapter.js';
import { Lifecycle } from './common/lifecycle.js';
import { appConfig, type AppConfig } from './config/app.config.js';
import { MessageStreamService } from './messages/stream/message-stream.service.js';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const logger = new Logger('Bootstrap');

/** Answers plain HTTP with a permanent redirect to the HTTPS port. */
function startRedirectListener(config: AppConfig): Server {
  return createLimitedServer(config.server, (req, res) => {
    const host = (req.headers.host ?? config.host).replace(/:\d+$/, '');
    res
      .writeHead(301, { Location: `https://${host}:${config.port}${req.url ?? '/'}`, Connection: 'close' })
      .end();
  }).listen(config.server.httpRedirectPort, config.host);
}

async function bootstrap(): Promise<void> {
  const config = appConfig();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule,
    new HardenedExpressAdapter(config),
    {
      bodyParser: false,
      abortOnError: false,
      // Held back until start-up succeeds, so a bad setting is reported in one line rather than with Nest's stack trace.
      bufferLogs: true,
      autoFlushLogs: false,
    },
  );
  app.useLogger(app.get(PinoLogger));
  app.flushLogs();
  setupApp(app, config);
  await app.listen(config.port, config.host);
  const scheme = config.tls ? 'https' : 'http';
  logger.log(`Chat server listening on ${scheme}://${config.host}:${config.port}`);
  if (!config.tls && !LOOPBACK.test(config.host)) {
    logger.warn(
      `Serving Basic auth over plain HTTP on ${config.host}: passwords cross the network readable. ` +
        'Put the server behind a TLS proxy, or set TLS_CERT_FILE and TLS_KEY_FILE.',
    );
  }
  const redirect = config.tls && config.server.httpRedirectPort ? startRedirectListener(config) : undefined;

  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal}: shutting down (a second signal exits at once)`);
    app.get(Lifecycle).beginDraining();
    process.once(signal, () => process.exit(1));
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    redirect?.close();
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
  process.on('SIGHUP', () => void reloadUsers(app));
}

/** SIGHUP: read the user file again; removed users lose their open streams and cached credentials. */
async function reloadUsers(app: NestExpressApplication): Promise<void> {
  try {
    const removed = await app.get(AuthService).reloadUsers();
    app.get(MessageStreamService).endStreamsOf(removed);
    logger.log(`SIGHUP: user file reloaded${removed.length ? `; removed ${removed.join(', ')}` : ''}`);
  } catch (error) {
    logger.error(
      `SIGHUP: user file not reloaded, keeping the users loaded before: ${(error as Error).message}`,
    );
  }
}

bootstrap().catch((error: unknown) => {
  // A bad environment or user file: say what is wrong, without a stack trace, and stop.
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
