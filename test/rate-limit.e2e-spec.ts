import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { authOf, createTestApp } from './support/test-app.js';

describe('request rate limits (RATE_LIMIT_PER_USER_PER_MINUTE, RATE_LIMIT_PER_ADDRESS_PER_MINUTE)', () => {
  let app: NestExpressApplication;
  afterEach(() => app.close());
  const get = (user: 'alice' | 'bob', address = '10.0.0.1') =>
    request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', authOf(user))
      .set('X-Forwarded-For', address);

  it('limits each user, with 429 and Retry-After, whatever their address', async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_USER_PER_MINUTE: '3', TRUST_PROXY: 'loopback' } });
    for (let i = 1; i <= 3; i++) await get('alice', `10.0.0.${i}`).expect(200);
    const limited = await get('alice', '10.0.0.9').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    await get('bob', '10.0.0.9').expect(200);
  });

  it('limits each client address across users', async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3', TRUST_PROXY: 'loopback' } });
    await get('alice').expect(200);
    await get('bob').expect(200);
    await get('alice').expect(200);
    await get('bob').expect(429);
    await get('bob', '10.0.0.2').expect(200);
  });

  it('never limits GET /api/health', async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1' } });
    for (let i = 0; i < 5; i++) await request(app.getHttpServer()).get('/api/health').expect(200);
  });
});
