import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Turns a decimal string into a number; anything else stays a string so `@IsInt` names the variable. */
const ToInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value,
  );

// class-validator runs the decorators of a property right to left and stops at the first failure: type checks
// sit rightmost.
/** The environment as the process receives it: every variable of API.md's configuration table and the limits. */
export class EnvironmentVariables {
  @ToInt() @Max(65535) @Min(0) @IsInt() PORT = 3000;
  @MinLength(1) @IsString() HOST = '127.0.0.1';
  @MinLength(1) @IsString() USERS_FILE = './users.json';

  @Matches(/^(memory|sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'STORE must be memory, sqlite:<path> or postgres://user@host/database',
  })
  @IsString()
  STORE = 'memory';
  @IsIn(['NORMAL', 'FULL']) SQLITE_SYNCHRONOUS = 'NORMAL';
  @ToInt() @Max(100) @Min(1) @IsInt() PG_POOL_SIZE = 10;
  /** How instances sharing the store tell each other of new messages and changes (SharedMessageHub). */
  @IsIn(['auto', 'postgres', 'redis', 'none']) BUS: 'auto' | 'postgres' | 'redis' | 'none' = 'auto';

  @ToInt() @Max(1_000_000) @Min(1) @IsInt() MAX_MESSAGES = 1000;
  @ToInt() @Max(31_536_000) @Min(1) @IsInt() MESSAGE_TTL_SECONDS = 3600;
  @ToInt() @Max(60) @Min(1) @IsInt() EVICTION_INTERVAL_SECONDS = 10;

  @ToInt() @Max(10_000) @Min(1) @IsInt() SEND_RATE_PER_SECOND = 10;
  @ToInt() @Max(10_000) @Min(1) @IsInt() SEND_BURST = 20;

  @ToInt() @Max(10_000) @Min(1) @IsInt() LOGIN_MAX_FAILURES = 10;
  @ToInt() @Max(86_400) @Min(1) @IsInt() LOGIN_WINDOW_SECONDS = 900;
  @ToInt() @Max(3600) @Min(0) @IsInt() AUTH_CACHE_TTL_SECONDS = 300;
  @ToInt() @Max(1_000_000) @Min(1) @IsInt() AUTH_CACHE_MAX_ENTRIES = 10_000;

  @IsIn(['closed', 'approval', 'open']) SIGNUP: 'closed' | 'approval' | 'open' = 'closed';
  @ToInt() @Max(10_000) @Min(1) @IsInt() SIGNUP_PER_ADDRESS_PER_HOUR = 5;

  @ToInt() @Max(100_000) @Min(1) @IsInt() MAX_STREAMS_PER_USER = 10;
  @ToInt() @Max(300) @Min(1) @IsInt() STREAM_PING_SECONDS = 15;
  @ToInt() @Max(64 * 1024 * 1024) @Min(1024) @IsInt() STREAM_MAX_BUFFER_BYTES = 1024 * 1024;

  @ToInt() @Max(100_000) @Min(1) @IsInt() RATE_LIMIT_PER_USER_PER_MINUTE = 600;
  @ToInt() @Max(1_000_000) @Min(1) @IsInt() RATE_LIMIT_PER_ADDRESS_PER_MINUTE = 1200;

  /** A Redis shared by the instances, where every limiter keeps its counts; unset: in each instance's memory. */
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be redis://host:port (or rediss:// for TLS)' })
  @IsString()
  @IsOptional()
  REDIS_URL?: string;
  /** The first part of every Redis key of this deployment, so that several deployments can share a Redis. */
  @Matches(/^[\w.-]{1,64}$/, { message: 'REDIS_PREFIX must be 1 to 64 letters, digits, _, . or -' })
  @IsString()
  REDIS_PREFIX = 'chat';

  @ToInt() @Max(300) @Min(1) @IsInt() HEADERS_TIMEOUT_SECONDS = 10;
  @ToInt() @Max(3600) @Min(1) @IsInt() REQUEST_TIMEOUT_SECONDS = 30;
  @ToInt() @Max(300) @Min(1) @IsInt() KEEP_ALIVE_TIMEOUT_SECONDS = 5;
  @ToInt() @Max(1_000_000) @Min(1) @IsInt() MAX_CONNECTIONS = 15_000;
  @ToInt() @Max(1_000_000) @Min(1) @IsInt() MAX_CONNECTIONS_PER_ADDRESS = 500;
  @ToInt() @Max(60_000) @Min(0) @IsInt() OVERLOAD_EVENT_LOOP_DELAY_MS = 500;
  @ToInt() @Max(65535) @Min(0) @IsInt() HTTP_REDIRECT_PORT = 0;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'verbose']) LOG_LEVEL = 'info';
  @IsIn(['json', 'pretty']) LOG_FORMAT = 'json';
  @ToInt() @Max(65535) @Min(0) @IsInt() METRICS_PORT = 0;
  @MinLength(1) @IsString() METRICS_HOST = '127.0.0.1';

  @MinLength(1) @IsString() @IsOptional() TLS_CERT_FILE?: string;
  @MinLength(1) @IsString() @IsOptional() TLS_KEY_FILE?: string;
  @MinLength(1) @IsString() @IsOptional() TRUST_PROXY?: string;
  @MinLength(1) @IsString() @IsOptional() CORS_ORIGINS?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the environment. Unset and empty variables take their defaults; unknown variables are ignored.
 * Throws a ConfigError whose message names every bad variable.
 */
export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables()).concat(
    'TLS_CERT_FILE',
    'TLS_KEY_FILE',
    'TRUST_PROXY',
    'CORS_ORIGINS',
    'REDIS_URL',
  );
  const given = Object.fromEntries(known.filter((key) => env[key]).map((key) => [key, env[key]]));
  const vars = plainToInstance(EnvironmentVariables, given);
  const errors = validateSync(vars, { stopAtFirstError: true });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  if (Boolean(vars.TLS_CERT_FILE) !== Boolean(vars.TLS_KEY_FILE)) {
    throw new ConfigError('Invalid configuration:\n  TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  // The send rate is a one-second window of SEND_RATE_PER_SECOND plus SEND_BURST's extra (rate-limit.ts, bursty).
  if (vars.SEND_BURST < vars.SEND_RATE_PER_SECOND) {
    throw new ConfigError(
      `Invalid configuration:\n  SEND_BURST=${vars.SEND_BURST} must be at least SEND_RATE_PER_SECOND=${vars.SEND_RATE_PER_SECOND}`,
    );
  }
  return vars;
}
