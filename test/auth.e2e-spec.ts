import { afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { authOf, basic, createTestApp, PASSWORDS } from './support/test-app.js';

describe('authentication (API.md Conventions: Auth, Failed logins)', () => {
  let app: NestExpressApplication;
  const http = () => request(app.getHttpServer());
  afterEach(() => app.close());

  describe('with default settings', () => {
    it('GET /api/health needs no credentials', async () => {
      app = await createTestApp();
      await http().get('/api/health').expect(200);
    });

    it('GET /api/me answers the authenticated user', async () => {
      app = await createTestApp();
      const res = await http().get('/api/me').set('Authorization', authOf('alice')).expect(200);
      expect(res.body).toEqual({ username: 'alice', displayName: 'Alice Liddell', role: 'admin' });
    });

    it('GET /api/users lists every user sorted by username, without password hashes', async () => {
      app = await createTestApp();
      const res = await http().get('/api/users').set('Authorization', authOf('bob')).expect(200);
      expect(res.body.users.map((u: { username: string }) => u.username)).toEqual([
        'alice',
        'bob',
        'carol',
        'dave',
        'zoe',
      ]);
      expect(res.body.users[0]).toEqual({ username: 'alice', displayName: 'Alice Liddell' });
      expect(JSON.stringify(res.body)).not.toContain('$2');
    });

    it('missing credentials get 401 with WWW-Authenticate: Basic realm="chat"', async () => {
      app = await createTestApp();
      const res = await http().get('/api/me').expect(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="chat"');
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('a wrong password gets 401 with WWW-Authenticate', async () => {
      app = await createTestApp();
      const res = await http().get('/api/me').set('Authorization', basic('alice', 'nope')).expect(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="chat"');
    });

    it('an unknown user gets the same 401 as a wrong password', async () => {
      app = await createTestApp();
      const unknown = await http().get('/api/me').set('Authorization', basic('mallory', 'x')).expect(401);
      const wrong = await http().get('/api/me').set('Authorization', basic('alice', 'x')).expect(401);
      expect(unknown.body).toEqual(wrong.body);
    });

    it('omits WWW-Authenticate for X-Requested-With: XMLHttpRequest, so browsers show no login dialog', async () => {
      app = await createTestApp();
      const res = await http()
        .get('/api/me')
        .set('X-Requested-With', 'XMLHttpRequest')
        .set('Authorization', basic('alice', 'nope'))
        .expect(401);
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('accepts a password that contains colons (split at the first colon only)', async () => {
      app = await createTestApp();
      expect(PASSWORDS.dave).toContain(':');
      const res = await http().get('/api/me').set('Authorization', authOf('dave')).expect(200);
      expect(res.body.username).toBe('dave');
      await http().get('/api/me').set('Authorization', basic('dave', 'pa')).expect(401);
    });

    it('accepts a password with non-ASCII characters', async () => {
      app = await createTestApp();
      const res = await http().get('/api/me').set('Authorization', authOf('zoe')).expect(200);
      expect(res.body).toEqual({ username: 'zoe', displayName: 'Zoë Ünicode', role: 'user' });
    });

    it('rejects a malformed Authorization header with 401', async () => {
      app = await createTestApp();
      await http().get('/api/me').set('Authorization', 'Basic not-base64!').expect(401);
      await http().get('/api/me').set('Authorization', 'Bearer abc').expect(401);
    });
  });

  describe('failed-login limit (LOGIN_MAX_FAILURES=3, LOGIN_WINDOW_SECONDS=3)', () => {
    // A short window, as the test waits for its end in real time (the limiter does not use the Clock).
    const env = { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '3', TRUST_PROXY: 'loopback' };
    const from = (address: string) => http().get('/api/me').set('X-Forwarded-For', address);

    it('locks a username after its failures, even for the right password from another address, until the window ends', async () => {
      app = await createTestApp({ env });
      for (let i = 1; i <= 3; i++) {
        await from(`10.0.0.${i}`).set('Authorization', basic('alice', 'guess')).expect(401);
      }
      const locked = await from('10.0.0.99').set('Authorization', authOf('alice')).expect(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(3);
      await from('10.0.0.99').set('Authorization', authOf('bob')).expect(200);

      await new Promise((resolve) => setTimeout(resolve, Number(locked.headers['retry-after']) * 1000));
      await from('10.0.0.99').set('Authorization', authOf('alice')).expect(200);
    });

    it('locks an address after failures across usernames (password spraying), other addresses unaffected', async () => {
      app = await createTestApp({ env });
      for (const name of ['alice', 'bob', 'nobody']) {
        await from('10.1.1.1').set('Authorization', basic(name, 'Spring2026!')).expect(401);
      }
      const res = await from('10.1.1.1').set('Authorization', authOf('carol')).expect(429);
      expect(res.headers['retry-after']).toBeDefined();
      await from('10.1.1.2').set('Authorization', authOf('carol')).expect(200);
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY is set, so rotating it does not help an attacker', async () => {
      app = await createTestApp({ env: { LOGIN_MAX_FAILURES: '3' } });
      for (let i = 1; i <= 3; i++) {
        await from(`10.2.0.${i}`)
          .set('Authorization', basic(`user${i}`, 'guess'))
          .expect(401);
      }
      await from('10.2.0.50').set('Authorization', authOf('alice')).expect(429);
    });
  });
});
