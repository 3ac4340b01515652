import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { setupApp } from '../../src/app.setup.js';
import { Clock } from '../../src/common/clock.js';
import { appConfig, toAppConfig } from '../../src/config/app.config.js';
import { validateEnvironment } from '../../src/config/env.schema.js';

export { FakeClock } from './fake-clock.js';

export const TEST_USERS_FILE = new URL('../fixtures/users.json', import.meta.url).pathname;

/** The passwords of test/fixtures/users.json (bcrypt cost 10, to keep the tests quick). */
export const PASSWORDS = {
  alice: 'alice-password',
  bob: 'bob-password',
  carol: 'carol-password',
  dave: 'pa:ss:word',
  zoe: 'pässwörd-密码-🔑',
} as const;

export type TestUser = keyof typeof PASSWORDS;

export const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

export const authOf = (user: TestUser) => basic(user, PASSWORDS[user]);

/** The real AppModule with only the configuration (from `env`, as the process would get it) and the clock replaced. */
export async function createTestApp(
  options: { env?: Record<string, string>; clock?: Clock } = {},
): Promise<NestExpressApplication> {
  const config = toAppConfig(
    validateEnvironment({ USERS_FILE: TEST_USERS_FILE, LOG_LEVEL: 'fatal', ...options.env }),
  );
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(appConfig.KEY)
    .useValue(config);
  if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  setupApp(app, config);
  await app.init();
  return app;
}

/** Listens on a free loopback port; returns the base URL. */
export async function listen(app: NestExpressApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}
