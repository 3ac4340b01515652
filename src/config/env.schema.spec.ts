import { describe, expect, it } from '@jest/globals';
import { toAppConfig } from './app.config.js';
import { ConfigError, validateEnvironment } from './env.schema.js';

/** The ConfigError thrown for `env`. */
function errorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    validateEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected validateEnvironment to throw');
}

describe('validateEnvironment', () => {
  it('takes the documented defaults when the environment is empty', () => {
    expect({ ...validateEnvironment({}) }).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      USERS_FILE: './users.json',
      MAX_MESSAGES: 1000,
      MESSAGE_TTL_SECONDS: 3600,
      SEND_RATE_PER_SECOND: 10,
      SEND_BURST: 20,
      LOGIN_MAX_FAILURES: 10,
      LOGIN_WINDOW_SECONDS: 900,
      MAX_STREAMS_PER_USER: 10,
      EVICTION_INTERVAL_SECONDS: 10,
      LOG_LEVEL: 'info',
    });
    const env = validateEnvironment({});
    expect(env.TLS_CERT_FILE).toBeUndefined();
    expect(env.TLS_KEY_FILE).toBeUndefined();
    expect(env.TRUST_PROXY).toBeUndefined();
    expect(env.CORS_ORIGINS).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    const env = validateEnvironment({ PORT: '', LOG_LEVEL: '', TLS_CERT_FILE: '', HOST: '' });
    expect(env.PORT).toBe(3000);
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.TLS_CERT_FILE).toBeUndefined();
  });

  it('ignores unknown variables', () => {
    expect(validateEnvironment({ PATH: '/usr/bin', PORT_X: 'nope' }).PORT).toBe(3000);
  });

  it('parses numbers, allowing surrounding whitespace', () => {
    const env = validateEnvironment({
      PORT: '8080',
      MAX_MESSAGES: '50',
      MESSAGE_TTL_SECONDS: ' 120 ',
      SEND_RATE_PER_SECOND: '5',
      SEND_BURST: '7',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_WINDOW_SECONDS: '60',
      MAX_STREAMS_PER_USER: '2',
      EVICTION_INTERVAL_SECONDS: '1',
      AUTH_CACHE_TTL_SECONDS: '0',
      AUTH_CACHE_MAX_ENTRIES: '5',
    });
    expect({ ...env }).toMatchObject({
      PORT: 8080,
      MAX_MESSAGES: 50,
      MESSAGE_TTL_SECONDS: 120,
      SEND_RATE_PER_SECOND: 5,
      SEND_BURST: 7,
      LOGIN_MAX_FAILURES: 3,
      LOGIN_WINDOW_SECONDS: 60,
      MAX_STREAMS_PER_USER: 2,
      EVICTION_INTERVAL_SECONDS: 1,
      AUTH_CACHE_TTL_SECONDS: 0,
      AUTH_CACHE_MAX_ENTRIES: 5,
    });
  });

  it('keeps strings as given', () => {
    const env = validateEnvironment({
      HOST: '0.0.0.0',
      USERS_FILE: '/data/users.json',
      LOG_LEVEL: 'debug',
      TLS_CERT_FILE: '/tls/cert.pem',
      TLS_KEY_FILE: '/tls/key.pem',
    });
    expect({ ...env }).toMatchObject({
      HOST: '0.0.0.0',
      USERS_FILE: '/data/users.json',
      LOG_LEVEL: 'debug',
      TLS_CERT_FILE: '/tls/cert.pem',
      TLS_KEY_FILE: '/tls/key.pem',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '80.5'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['MAX_MESSAGES', '0'],
    ['MAX_MESSAGES', '1000001'],
    ['MESSAGE_TTL_SECONDS', '0'],
    ['EVICTION_INTERVAL_SECONDS', '61'],
    ['SEND_RATE_PER_SECOND', '0'],
    ['SEND_BURST', 'twenty'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_WINDOW_SECONDS', '86401'],
    ['AUTH_CACHE_TTL_SECONDS', '3601'],
    ['AUTH_CACHE_MAX_ENTRIES', '0'],
    ['MAX_STREAMS_PER_USER', '100001'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_LEVEL', 'INFO'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_PREFIX', 'my chat'],
    ['REDIS_PREFIX', 'a'.repeat(65)],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    const { message } = errorFor({ [name]: value });
    expect(message).toMatch(new RegExp(`\\b${name}=`));
    expect(message).toContain(value);
  });

  it('names every bad variable at once', () => {
    const { message } = errorFor({ PORT: 'abc', MAX_MESSAGES: '0', LOG_LEVEL: 'loud', HOST: 'ok' });
    expect(message).toContain('PORT=');
    expect(message).toContain('MAX_MESSAGES=');
    expect(message).toContain('LOG_LEVEL=');
    expect(message).not.toContain('HOST=');
  });

  it.each([
    ['TLS_CERT_FILE without TLS_KEY_FILE', { TLS_CERT_FILE: '/tls/cert.pem' }],
    ['TLS_KEY_FILE without TLS_CERT_FILE', { TLS_KEY_FILE: '/tls/key.pem' }],
  ])('rejects %s, naming both', (_name, env) => {
    const { message } = errorFor(env);
    expect(message).toContain('TLS_CERT_FILE');
    expect(message).toContain('TLS_KEY_FILE');
  });

  it('rejects a SEND_BURST below SEND_RATE_PER_SECOND, naming both', () => {
    const { message } = errorFor({ SEND_RATE_PER_SECOND: '30' });
    expect(message).toContain('SEND_BURST=20 must be at least SEND_RATE_PER_SECOND=30');
  });

  it.each([
    ['PORT', '0'],
    ['PORT', '65535'],
    ['MAX_MESSAGES', '1'],
    ['MAX_MESSAGES', '1000000'],
    ['AUTH_CACHE_TTL_SECONDS', '0'],
  ])('accepts the boundary %s=%s', (name, value) => {
    expect(validateEnvironment({ [name]: value })[name as 'PORT']).toBe(Number(value));
  });
});

describe('toAppConfig', () => {
  it('maps seconds to milliseconds and groups the settings', () => {
    const config = toAppConfig(
      validateEnvironment({
        MESSAGE_TTL_SECONDS: '120',
        EVICTION_INTERVAL_SECONDS: '5',
        LOGIN_WINDOW_SECONDS: '60',
        AUTH_CACHE_TTL_SECONDS: '30',
        MAX_MESSAGES: '50',
        SEND_RATE_PER_SECOND: '5',
        SEND_BURST: '7',
        LOGIN_MAX_FAILURES: '3',
        MAX_STREAMS_PER_USER: '2',
        AUTH_CACHE_MAX_ENTRIES: '9',
      }),
    );
    expect(config.messages).toMatchObject({
      maxMessages: 50,
      ttlMs: 120_000,
      evictionIntervalMs: 5_000,
      sendRatePerSecond: 5,
      sendBurst: 7,
      maxStreamsPerUser: 2,
    });
    expect(config.auth).toMatchObject({
      maxFailures: 3,
      failureWindowMs: 60_000,
      cacheTtlMs: 30_000,
      cacheMaxEntries: 9,
    });
  });

  it('builds the defaults from an empty environment', () => {
    const config = toAppConfig(validateEnvironment({}));
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      usersFile: './users.json',
      logLevel: 'info',
      tls: null,
      trustProxy: [],
      corsOrigins: [],
    });
    expect(config.messages.ttlMs).toBe(3_600_000);
    expect(config.auth.failureWindowMs).toBe(900_000);
  });

  it('keeps the limits in memory without REDIS_URL, in Redis under REDIS_PREFIX (default chat) with it', () => {
    expect(toAppConfig(validateEnvironment({ REDIS_PREFIX: 'team-a' })).redis).toBeNull();
    expect(toAppConfig(validateEnvironment({ REDIS_URL: 'redis://10.0.0.5:6379' })).redis).toEqual({
      url: 'redis://10.0.0.5:6379',
      prefix: 'chat',
    });
    expect(
      toAppConfig(
        validateEnvironment({ REDIS_URL: 'rediss://:secret@redis.example:6380/2', REDIS_PREFIX: 'team-a' }),
      ).redis,
    ).toEqual({ url: 'rediss://:secret@redis.example:6380/2', prefix: 'team-a' });
  });

  it('enables TLS only with both files', () => {
    const config = toAppConfig(
      validateEnvironment({ TLS_CERT_FILE: '/tls/cert.pem', TLS_KEY_FILE: '/tls/key.pem' }),
    );
    expect(config.tls).toEqual({ certFile: '/tls/cert.pem', keyFile: '/tls/key.pem' });
  });

  it('splits TRUST_PROXY and CORS_ORIGINS at commas, trimming and dropping empty items', () => {
    const config = toAppConfig(
      validateEnvironment({
        TRUST_PROXY: '10.0.0.1, 10.0.0.0/8 ,,loopback',
        CORS_ORIGINS: 'https://chat.example.com,https://admin.example.com, ',
      }),
    );
    expect(config.trustProxy).toEqual(['10.0.0.1', '10.0.0.0/8', 'loopback']);
    expect(config.corsOrigins).toEqual(['https://chat.example.com', 'https://admin.example.com']);
  });

  it('gives a one-item list for a single value', () => {
    expect(toAppConfig(validateEnvironment({ CORS_ORIGINS: 'https://a.example' })).corsOrigins).toEqual([
      'https://a.example',
    ]);
  });
});
