import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { setupApp } from '../src/app.setup.js';
import { appConfig, toAppConfig } from '../src/config/app.config.js';
import { validateEnvironment } from '../src/config/env.schema.js';
import { MemoryMessageStore } from '../src/messages/store/memory-message.store.js';
import { MessageStore } from '../src/messages/store/message-store.js';
import { createTestApp, TEST_USERS_FILE } from './support/test-app.js';

describe('GET /api/health', () => {
  let app: NestExpressApplication;
  afterEach(() => app.close());

  it('answers 200 without credentials', async () => {
    app = await createTestApp();
    const res = await request(app.getHttpServer()).get('/api/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('answers 503 while the message store does not answer, so a load balancer drains the instance', async () => {
    class FlakyStore extends MemoryMessageStore {
      reachable = true;
      override lastId(): Promise<number> {
        return this.reachable
          ? super.lastId()
          : Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
      }
    }
    const store = new FlakyStore(10);
    const config = toAppConfig(validateEnvironment({ USERS_FILE: TEST_USERS_FILE, LOG_LEVEL: 'fatal' }));
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(appConfig.KEY)
      .useValue(config)
      .overrideProvider(MessageStore)
      .useValue(store)
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    setupApp(app, config);
    await app.init();

    await request(app.getHttpServer()).get('/api/health').expect(200);
    store.reachable = false;
    const res = await request(app.getHttpServer()).get('/api/health').expect(503);
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Message store unavailable',
    });
    expect(JSON.stringify(res.body)).not.toContain('10.0.0.5');
    store.reachable = true;
    await request(app.getHttpServer()).get('/api/health').expect(200);
  });
});
