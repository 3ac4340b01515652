import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { setupApp } from '../src/app.setup.js';
import { appConfig, toAppConfig } from '../src/config/app.config.js';
import { validateEnvironment } from '../src/config/env.schema.js';
import { MessageStore } from '../src/messages/store/message-store.js';
import { MemoryMessageStore } from '../src/messages/store/memory-message.store.js';
import { authOf, createTestApp, TEST_USERS_FILE } from './support/test-app.js';

describe('errors (API.md Conventions: Errors)', () => {
  let app: NestExpressApplication;
  afterEach(() => app.close());
  const http = () => request(app.getHttpServer());
  const post = (body: string, type = 'application/json') =>
    http().post('/api/messages').set('Authorization', authOf('alice')).set('Content-Type', type).send(body);
  const stored = async () =>
    (await http().get('/api/messages').set('Authorization', authOf('alice')).expect(200)).body.messages
      .length;

  it('answers malformed JSON with 400 in the JSON error shape, storing nothing', async () => {
    app = await createTestApp();
    const res = await post('{"text": "unterminated').expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request body is not valid JSON',
    });
    expect(await stored()).toBe(0);
  });

  it.each([
    ['an array', '[{"text":"hi"}]'],
    ['a string', '"hi"'],
    ['null', 'null'],
  ])('answers a JSON body that is %s with 400', async (_name, body) => {
    app = await createTestApp();
    const res = await post(body).expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(await stored()).toBe(0);
  });

  it('answers a body over 16 KiB with 413', async () => {
    app = await createTestApp();
    const res = await post(JSON.stringify({ text: 'a'.repeat(16 * 1024) })).expect(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is larger than 16 KiB',
    });
    expect(await stored()).toBe(0);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers a POST with Content-Type %s with 415',
    async (type) => {
      app = await createTestApp();
      const res = await post('{"text":"hi"}', type).expect(415);
      expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect(await stored()).toBe(0);
    },
  );

  it('accepts application/json with a charset', async () => {
    app = await createTestApp();
    await post('{"text":"hi"}', 'application/json; charset=utf-8').expect(201);
  });

  it('answers an unknown /api route with a JSON 404', async () => {
    app = await createTestApp();
    const res = await http().get('/api/nothing-here').set('Authorization', authOf('alice')).expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('answers an internal failure with a bare 500: no stack trace, no internal message', async () => {
    class BrokenStore extends MemoryMessageStore {
      override before(): never {
        throw new Error('connection to db-internal.example:5432 refused');
      }
    }
    const config = toAppConfig(validateEnvironment({ USERS_FILE: TEST_USERS_FILE, LOG_LEVEL: 'fatal' }));
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(appConfig.KEY)
      .useValue(config)
      .overrideProvider(MessageStore)
      .useValue(new BrokenStore(10))
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    setupApp(app, config);
    await app.init();

    const res = await http().get('/api/messages?before=5').set('Authorization', authOf('alice')).expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(res.text).not.toMatch(/db-internal|at .*\.ts|Error:/);
  });

  it('sends neither X-Powered-By nor ETag', async () => {
    app = await createTestApp();
    const res = await http().get('/api/users').set('Authorization', authOf('alice')).expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });

  it('publishes the OpenAPI document with Basic auth as the security scheme', async () => {
    app = await createTestApp();
    const res = await http().get('/api/docs-json').expect(200);
    expect(res.body.components.securitySchemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/me', '/api/users', '/api/messages']),
    );
    expect(res.body.paths['/api/messages'].post.security).toEqual([{ basic: [] }]);
  });

  it('keeps docs/openapi.json in step with the served document (regenerate with npm run openapi)', async () => {
    app = await createTestApp();
    const served = (await http().get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(await readFile(new URL('../docs/openapi.json', import.meta.url), 'utf8'));
    expect(served).toEqual(committed);
  });
});
