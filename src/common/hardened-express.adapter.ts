import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerOptions,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { AppConfig } from '../config/app.config.js';

/** Node's own default, stated: larger request headers are answered with 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Express under Nest on a Node server with the limits that keep slow and many connections from exhausting it:
 * header and request timeouts (checked every second), keep-alive timeout, header size, and caps on connections in
 * total and per client address. Serves HTTPS when the config has a certificate.
 */
export class HardenedExpressAdapter extends ExpressAdapter {
  constructor(private readonly config: AppConfig) {
    super();
  }

  override initHttpServer(): void {
    const { server: limits, tls } = this.config;
    const app = this.getInstance<RequestListener>();
    this.httpServer = tls
      ? limited(
          createHttpsServer(
            {
              ...serverOptions(limits),
              // A connection that never finishes the TLS handshake is closed as soon as a slow header would be.
              handshakeTimeout: limits.headersTimeoutMs,
              cert: readFileSync(tls.certFile),
              key: readFileSync(tls.keyFile),
            },
            app,
          ),
          limits,
        )
      : createLimitedServer(limits, app);
  }
}

type Limits = AppConfig['server'];

function serverOptions(limits: Limits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: MAX_HEADER_BYTES,
    connectionsCheckingInterval: 1000,
  };
}

/** A plain HTTP server with the same limits (also used for the HTTP→HTTPS redirect listener). */
export function createLimitedServer(limits: Limits, listener: RequestListener): Server {
  return limited(createHttpServer(serverOptions(limits), listener), limits);
}

function limited<T extends Server>(server: T, limits: Limits): T {
  server.maxConnections = limits.maxConnections;
  capConnectionsPerAddress(server, limits.maxConnectionsPerAddress);
  return server;
}

/** Closes a new connection at once when its address already holds `max` open ones. */
function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
