import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, validateSync } from 'class-validator';

/** Turns a decimal string into a number; anything else stays a string so `@IsInt` names the variable. */
const ToInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value,
  );

/** The environment as the process receives it: every variable of API.md's configuration table and the limits. */
export class EnvironmentVariables {
  @ToInt() @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @IsString() @MinLength(1) HOST = '127.0.0.1';
  @IsString() @MinLength(1) USERS_FILE = './users.json';

  @ToInt() @IsInt() @Min(1) @Max(1_000_000) MAX_MESSAGES = 1000;
  @ToInt() @IsInt() @Min(1) @Max(31_536_000) MESSAGE_TTL_SECONDS = 3600;
  @ToInt() @IsInt() @Min(1) @Max(60) EVICTION_INTERVAL_SECONDS = 10;

  @ToInt() @IsInt() @Min(1) @Max(10_000) SEND_RATE_PER_SECOND = 10;
  @ToInt() @IsInt() @Min(1) @Max(10_000) SEND_BURST = 20;

  @ToInt() @IsInt() @Min(1) @Max(10_000) LOGIN_MAX_FAILURES = 10;
  @ToInt() @IsInt() @Min(1) @Max(86_400) LOGIN_WINDOW_SECONDS = 900;
  @ToInt() @IsInt() @Min(0) @Max(3600) AUTH_CACHE_TTL_SECONDS = 300;
  @ToInt() @IsInt() @Min(1) @Max(1_000_000) AUTH_CACHE_MAX_ENTRIES = 10_000;

  @ToInt() @IsInt() @Min(1) @Max(1000) MAX_STREAMS_PER_USER = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'verbose']) LOG_LEVEL = 'info';

  @IsOptional() @IsString() @MinLength(1) TLS_CERT_FILE?: string;
  @IsOptional() @IsString() @MinLength(1) TLS_KEY_FILE?: string;
  @IsOptional() @IsString() @MinLength(1) TRUST_PROXY?: string;
  @IsOptional() @IsString() @MinLength(1) CORS_ORIGINS?: string;
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
  );
  const given = Object.fromEntries(known.filter((key) => env[key]).map((key) => [key, env[key]]));
  const vars = plainToInstance(EnvironmentVariables, given);
  const errors = validateSync(vars);
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  if (Boolean(vars.TLS_CERT_FILE) !== Boolean(vars.TLS_KEY_FILE)) {
    throw new ConfigError('Invalid configuration:\n  TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  return vars;
}
