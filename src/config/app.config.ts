import { registerAs, type ConfigType } from '@nestjs/config';
import { validateEnvironment, type EnvironmentVariables } from './env.schema.js';

/** Where messages live: `STORE=memory` (default), `sqlite:<path>` or a `postgres://` URL. */
export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string; synchronous: 'NORMAL' | 'FULL' }
  | { kind: 'postgres'; url: string; poolSize: number };

function storeConfig(env: EnvironmentVariables): StoreConfig {
  if (env.STORE.startsWith('sqlite:')) {
    const synchronous = env.SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL';
    return { kind: 'sqlite', path: env.STORE.slice('sqlite:'.length), synchronous };
  }
  if (env.STORE.startsWith('postgres'))
    return { kind: 'postgres', url: env.STORE, poolSize: env.PG_POOL_SIZE };
  return { kind: 'memory' };
}

export function toAppConfig(env: EnvironmentVariables) {
  const list = (value?: string) =>
    value
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  return {
    port: env.PORT,
    host: env.HOST,
    usersFile: env.USERS_FILE,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    metrics: env.METRICS_PORT > 0 ? { port: env.METRICS_PORT, host: env.METRICS_HOST } : null,
    store: storeConfig(env),
    /** `auto`: over PostgreSQL with a PostgreSQL store (instances may share it), none otherwise. */
    bus: env.BUS === 'auto' ? (env.STORE.startsWith('postgres') ? 'postgres' : 'none') : env.BUS,
    messages: {
      maxMessages: env.MAX_MESSAGES,
      ttlMs: env.MESSAGE_TTL_SECONDS * 1000,
      evictionIntervalMs: env.EVICTION_INTERVAL_SECONDS * 1000,
      sendRatePerSecond: env.SEND_RATE_PER_SECOND,
      sendBurst: env.SEND_BURST,
      maxStreamsPerUser: env.MAX_STREAMS_PER_USER,
      streamPingMs: env.STREAM_PING_SECONDS * 1000,
      streamMaxBufferBytes: env.STREAM_MAX_BUFFER_BYTES,
    },
    auth: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      failureWindowMs: env.LOGIN_WINDOW_SECONDS * 1000,
      cacheTtlMs: env.AUTH_CACHE_TTL_SECONDS * 1000,
      cacheMaxEntries: env.AUTH_CACHE_MAX_ENTRIES,
    },
    signup: {
      mode: env.SIGNUP,
      perAddressPerHour: env.SIGNUP_PER_ADDRESS_PER_HOUR,
    },
    rateLimit: {
      perUserPerMinute: env.RATE_LIMIT_PER_USER_PER_MINUTE,
      perAddressPerMinute: env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    },
    /** The Redis shared by the instances: the limiters keep their counts there (null: in each instance's memory). */
    redis: env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : null,
    server: {
      headersTimeoutMs: env.HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
      maxConnections: env.MAX_CONNECTIONS,
      maxConnectionsPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS,
      overloadDelayMs: env.OVERLOAD_EVENT_LOOP_DELAY_MS,
      httpRedirectPort: env.HTTP_REDIRECT_PORT,
    },
    tls:
      env.TLS_CERT_FILE && env.TLS_KEY_FILE
        ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE }
        : null,
    trustProxy: list(env.TRUST_PROXY),
    corsOrigins: list(env.CORS_ORIGINS),
  };
}

/** The one typed configuration, built from the environment once at start. Inject with `@Inject(appConfig.KEY)`. */
export const appConfig = registerAs('app', () => toAppConfig(validateEnvironment(process.env)));

export type AppConfig = ConfigType<typeof appConfig>;
