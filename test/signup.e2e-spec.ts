import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, basic, createTestApp as createAppOn, FakeClock } from './support/test-app.js';

/** Strong by zxcvbn (score 4). */
const STRONG = 'blue-Harbor-Quietly-47';
const OTHER_STRONG = 'green-Meadow-Softly-82';
/** Exactly 72 bytes in UTF-8 (3 × 4-byte emoji + 60 ASCII): the longest password bcrypt reads whole. */
const LONGEST = `🔑🌊🦉${'Lighthouse-keeper-'.repeat(3)}tides!`;
const TOO_LONG = `${LONGEST}x`;

/** Sign-up tests come from many addresses (TRUST_PROXY), so that only the rate-limit test meets the limit. */
const SIGNUP_ENV = { TRUST_PROXY: 'loopback', SIGNUP_PER_ADDRESS_PER_HOUR: '1000' };

afterAll(removeTestStores);

describe('sign-up (API.md POST /api/signup)', () => {
  let app: NestExpressApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const http = () => request(app!.getHttpServer());
  const signup = (body: object, address = '198.51.100.1') =>
    http().post('/api/signup').set('X-Forwarded-For', address).send(body);
  const me = (auth: string) => http().get('/api/me').set('Authorization', auth);

  describe.each(TEST_STORES)('on the $name store', ({ store }) => {
    const start = async (mode: string, options: { clock?: FakeClock } = {}) => {
      app = await createAppOn({ ...options, env: { ...SIGNUP_ENV, SIGNUP: mode, STORE: await store() } });
    };

    it('SIGNUP=open: 201 with an active account that can use the API at once, as a user', async () => {
      await start('open');
      const res = await signup({ username: 'erin', password: STRONG, displayName: 'Erin Example' }).expect(
        201,
      );
      expect(res.body).toEqual({ username: 'erin', displayName: 'Erin Example', status: 'active' });

      const profile = await me(basic('erin', STRONG)).expect(200);
      expect(profile.body).toEqual({ username: 'erin', displayName: 'Erin Example', role: 'user' });
      const users = await http().get('/api/users').set('Authorization', authOf('bob')).expect(200);
      expect(users.body.users).toContainEqual({ username: 'erin', displayName: 'Erin Example' });
      await me(basic('erin', OTHER_STRONG)).expect(401);
    });

    it('409 for a username that is taken, by the user file or by an earlier sign-up', async () => {
      await start('open');
      await signup({ username: 'alice', password: STRONG, displayName: 'Not Alice' }).expect(409);
      await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }).expect(201);
      const res = await signup({ username: 'erin', password: OTHER_STRONG, displayName: 'Erin 2' }).expect(
        409,
      );
      expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'username erin is taken' });
      await me(basic('erin', STRONG)).expect(200);
      await me(authOf('alice')).expect(200);
    });

    it('gives one of concurrent sign-ups of the same name 201 and the others 409', async () => {
      await start('open');
      const results = await Promise.all(
        [STRONG, OTHER_STRONG, `${STRONG}!`].map((password, i) =>
          signup({ username: 'erin', password, displayName: `Erin ${i}` }, `198.51.100.${10 + i}`),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    });

    describe('SIGNUP=approval', () => {
      const clock = new FakeClock();
      const admin = authOf('alice');
      const decide = (action: 'approve' | 'reject', username: string) =>
        http().post(`/api/admin/signups/${username}/${action}`).set('Authorization', admin).send({});
      const pendingList = async () =>
        (await http().get('/api/admin/signups').set('Authorization', admin).expect(200)).body;

      it('makes a pending account that gets 403 until an admin approves it, then 200', async () => {
        await start('approval', { clock });
        const res = await signup({ username: 'erin', password: STRONG, displayName: 'Erin Example' }).expect(
          201,
        );
        expect(res.body).toEqual({ username: 'erin', displayName: 'Erin Example', status: 'pending' });

        const refused = await me(basic('erin', STRONG)).expect(403);
        expect(refused.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          message: 'account awaiting approval',
        });
        // Asked twice: the second answer comes from the verified-credentials cache.
        await me(basic('erin', STRONG)).expect(403);
        await me(basic('erin', 'wrong-password')).expect(401);
        const users = await http().get('/api/users').set('Authorization', authOf('bob')).expect(200);
        expect(users.body.users.map((u: { username: string }) => u.username)).not.toContain('erin');

        expect(await pendingList()).toEqual({
          signups: [
            {
              username: 'erin',
              displayName: 'Erin Example',
              requestedAt: new Date(clock.time).toISOString(),
            },
          ],
        });
        const approved = await decide('approve', 'erin').expect(200);
        expect(approved.body).toEqual({ username: 'erin', displayName: 'Erin Example', status: 'active' });

        await me(basic('erin', STRONG)).expect(200);
        expect(await pendingList()).toEqual({ signups: [] });
        await decide('approve', 'erin').expect(404);
      });

      it('lists pending sign-ups oldest first', async () => {
        await start('approval', { clock });
        for (const username of ['zed', 'amy', 'kim']) {
          await signup({ username, password: STRONG, displayName: username.toUpperCase() }).expect(201);
          clock.advance(1000);
        }
        expect((await pendingList()).signups.map((s: { username: string }) => s.username)).toEqual([
          'zed',
          'amy',
          'kim',
        ]);
      });

      it('reject deletes the sign-up: 204, its credentials are unknown, and the name is free again', async () => {
        await start('approval', { clock });
        await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }).expect(201);
        await me(basic('erin', STRONG)).expect(403);

        await decide('reject', 'erin').expect(204);

        await me(basic('erin', STRONG)).expect(401);
        expect(await pendingList()).toEqual({ signups: [] });
        await decide('reject', 'erin').expect(404);
        await signup({ username: 'erin', password: OTHER_STRONG, displayName: 'Erin again' }).expect(201);
        await me(basic('erin', STRONG)).expect(401);
        await me(basic('erin', OTHER_STRONG)).expect(403);
      });

      it('answers 404 for approving or rejecting an active user or an unknown one', async () => {
        await start('approval', { clock });
        for (const username of ['bob', 'nobody']) {
          await decide('approve', username).expect(404);
          await decide('reject', username).expect(404);
        }
        await me(authOf('bob')).expect(200);
      });
    });
  });

  describe.each([
    ['closed', 403, 403, 403, 403, 403],
    ['approval', 201, 400, 400, 409, 400],
    ['open', 201, 400, 400, 409, 400],
  ])('SIGNUP=%s', (mode, valid, weak, tooLong, taken, badUsername) => {
    const start = async () => {
      app = await createAppOn({ env: { ...SIGNUP_ENV, SIGNUP: mode } });
    };

    it(`answers ${valid} to a valid sign-up`, async () => {
      await start();
      const res = await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }).expect(valid);
      if (valid === 403) expect(res.body.message).toBe('sign-up is closed');
      else expect(res.body.status).toBe(mode === 'open' ? 'active' : 'pending');
    });

    it(`answers ${weak} to a weak password, saying why`, async () => {
      await start();
      const res = await signup({ username: 'erin', password: 'password123', displayName: 'Erin' }).expect(
        weak,
      );
      expect(res.body.message).toBe(
        weak === 403 ? 'sign-up is closed' : 'password is too weak: This is a commonly used password.',
      );
    });

    it(`answers ${tooLong} to a password of 73 bytes in UTF-8`, async () => {
      await start();
      expect(Buffer.byteLength(TOO_LONG)).toBe(73);
      const res = await signup({ username: 'erin', password: TOO_LONG, displayName: 'Erin' }).expect(tooLong);
      if (tooLong === 400) expect(res.body.message).toEqual(['password must be 8..72 bytes in UTF-8']);
    });

    it(`answers ${taken} to a username that is taken`, async () => {
      await start();
      await signup({ username: 'bob', password: STRONG, displayName: 'Bob Two' }).expect(taken);
    });

    it.each(['Erin', 'erin smith', '.erin', 'e'.repeat(33), 'zoë', ''])(
      `answers ${badUsername} to the username "%s"`,
      async (username) => {
        await start();
        const res = await signup({ username, password: STRONG, displayName: 'Erin' }).expect(badUsername);
        if (badUsername === 400) {
          expect(res.body.message).toEqual(['username must match ^[a-z0-9][a-z0-9._-]{0,31}$']);
        }
      },
    );
  });

  describe('input rules (SIGNUP=open)', () => {
    const start = async () => {
      app = await createAppOn({ env: { ...SIGNUP_ENV, SIGNUP: 'open' } });
    };

    it('accepts a password of exactly 72 bytes in UTF-8, and it works as given', async () => {
      await start();
      expect(Buffer.byteLength(LONGEST)).toBe(72);
      await signup({ username: 'erin', password: LONGEST, displayName: 'Erin' }).expect(201);
      await me(basic('erin', LONGEST)).expect(200);
    });

    it.each([
      ['a password of 7 bytes', { password: 'Xq7!vR2' }, ['password must be 8..72 bytes in UTF-8']],
      ['a password that is not a string', { password: 12345678 }, ['password must be a string']],
      ['an empty display name', { displayName: '' }, ['displayName must be 1..64 characters']],
      [
        'a display name of 65 characters',
        { displayName: 'E'.repeat(65) },
        ['displayName must be 1..64 characters'],
      ],
      ['a blank display name', { displayName: '   ' }, ['displayName must not be only whitespace']],
      [
        'a display name with a control character',
        { displayName: 'Erin\u0007' },
        ['displayName must not contain control characters'],
      ],
      ['a missing display name', { displayName: undefined }, ['displayName must be a string']],
      ['an unknown field', { role: 'admin' }, ['property role should not exist']],
    ])('refuses %s with 400', async (_name, change, message) => {
      await start();
      const res = await signup({ username: 'erin', password: STRONG, displayName: 'Erin', ...change }).expect(
        400,
      );
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
      await me(basic('erin', STRONG)).expect(401);
    });

    it('accepts a display name of 64 characters, counting an emoji as one', async () => {
      await start();
      await signup({ username: 'erin', password: STRONG, displayName: '😀'.repeat(64) }).expect(201);
    });

    it('refuses a password built on the username or display name', async () => {
      await start();
      const res = await signup({ username: 'wumbletrox', password: 'wumbletrox99', displayName: 'W' }).expect(
        400,
      );
      expect(res.body.message).toMatch(/^password is too weak: /);
    });

    it('refuses a body that is not JSON with 415', async () => {
      await start();
      await http().post('/api/signup').set('Content-Type', 'text/plain').send('username=erin').expect(415);
    });
  });

  describe('per-address limit (SIGNUP_PER_ADDRESS_PER_HOUR=2)', () => {
    // The window's end (an hour, in real time) is rate-limit.spec.ts's 'starts afresh once the window has ended'.
    it('answers 429 with Retry-After past the limit, counting refused attempts, for an hour', async () => {
      app = await createAppOn({
        env: { SIGNUP: 'open', SIGNUP_PER_ADDRESS_PER_HOUR: '2', TRUST_PROXY: 'loopback' },
      });
      await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }, '203.0.113.5').expect(201);
      await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }, '203.0.113.5').expect(409);

      const limited = await signup(
        { username: 'fay', password: STRONG, displayName: 'Fay' },
        '203.0.113.5',
      ).expect(429);
      expect(Number(limited.headers['retry-after'])).toBe(3600);
      await signup({ username: 'fay', password: STRONG, displayName: 'Fay' }, '203.0.113.6').expect(201);
      await signup({ username: 'gil', password: STRONG, displayName: 'Gil' }, '203.0.113.5').expect(429);
    });

    it('ignores X-Forwarded-For without TRUST_PROXY, so rotating it does not help', async () => {
      app = await createAppOn({ env: { SIGNUP: 'open', SIGNUP_PER_ADDRESS_PER_HOUR: '1' } });
      await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }, '203.0.113.1').expect(201);
      await signup({ username: 'fay', password: STRONG, displayName: 'Fay' }, '203.0.113.2').expect(429);
    });
  });

  describe('admin routes', () => {
    const routes = [
      ['get', '/api/admin/signups'],
      ['post', '/api/admin/signups/erin/approve'],
      ['post', '/api/admin/signups/erin/reject'],
    ] as const;
    /** POST routes take no body but, like every POST of the API, need a JSON one (`{}`). */
    const send = (method: 'get' | 'post', path: string) =>
      method === 'get' ? http().get(path) : http().post(path).send({});

    it.each(routes)('%s %s: 403 for a user who is not an admin', async (method, path) => {
      app = await createAppOn({ env: { SIGNUP: 'approval', TRUST_PROXY: 'loopback' } });
      await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }).expect(201);
      const res = await send(method, path).set('Authorization', authOf('bob')).expect(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'admins only' });
      const list = await http().get('/api/admin/signups').set('Authorization', authOf('alice')).expect(200);
      expect(list.body.signups).toHaveLength(1);
    });

    it.each(routes)('%s %s: 401 without credentials', async (method, path) => {
      app = await createAppOn();
      await send(method, path).expect(401);
    });

    it('a pending account gets 403 awaiting approval on admin routes too', async () => {
      app = await createAppOn({ env: { SIGNUP: 'approval', TRUST_PROXY: 'loopback' } });
      await signup({ username: 'erin', password: STRONG, displayName: 'Erin' }).expect(201);
      const res = await http()
        .get('/api/admin/signups')
        .set('Authorization', basic('erin', STRONG))
        .expect(403);
      expect(res.body.message).toBe('account awaiting approval');
    });
  });

  it('refuses to start with an unknown SIGNUP mode, naming the variable', async () => {
    await expect(createAppOn({ env: { SIGNUP: 'sometimes' } })).rejects.toThrow(/SIGNUP="sometimes"/);
    await expect(createAppOn({ env: { SIGNUP_PER_ADDRESS_PER_HOUR: '0' } })).rejects.toThrow(
      /SIGNUP_PER_ADDRESS_PER_HOUR=0: .*must not be less than 1/,
    );
  });
});
