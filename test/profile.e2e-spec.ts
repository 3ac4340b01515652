import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, basic, createTestApp, PASSWORDS } from './support/test-app.js';

const STRONG = 'blue-Harbor-Quietly-47';
const NEW_STRONG = 'green-Meadow-Softly-82';

afterAll(removeTestStores);

describe.each(TEST_STORES)(
  'PATCH /api/me on the $name store (API.md GET/PATCH /api/me)',
  ({ name, store }) => {
    let app: NestExpressApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    const http = () => request(app!.getHttpServer());
    const me = (auth: string) => http().get('/api/me').set('Authorization', auth);
    const patch = (auth: string, body: object) =>
      http().patch('/api/me').set('Authorization', auth).send(body);
    const erin = basic('erin', STRONG);

    /** An app whose user erin signed up with STRONG. */
    async function start(): Promise<void> {
      app = await createTestApp({ env: { STORE: await store(), SIGNUP: 'open' } });
      await http()
        .post('/api/signup')
        .send({ username: 'erin', password: STRONG, displayName: 'Erin' })
        .expect(201);
    }

    it('changes the display name, answers the new me, and others see it in /api/users', async () => {
      await start();
      const res = await patch(erin, { displayName: 'Erin Example', currentPassword: STRONG }).expect(200);
      expect(res.body).toEqual({ username: 'erin', displayName: 'Erin Example', role: 'user' });

      expect((await me(erin).expect(200)).body.displayName).toBe('Erin Example');
      const users = await http().get('/api/users').set('Authorization', authOf('bob')).expect(200);
      expect(users.body.users).toContainEqual({ username: 'erin', displayName: 'Erin Example' });
    });

    it('changes the password: the old one fails at once, even though it was just used, and the new one works', async () => {
      await start();
      await me(erin).expect(200);

      await patch(erin, { password: NEW_STRONG, currentPassword: STRONG }).expect(200);

      await me(erin).expect(401);
      await me(basic('erin', NEW_STRONG)).expect(200);
    });

    it('refuses a wrong currentPassword with 403 and changes nothing', async () => {
      await start();
      const res = await patch(erin, {
        displayName: 'Mallory',
        password: NEW_STRONG,
        currentPassword: 'not-the-password',
      }).expect(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'currentPassword is wrong' });
      expect((await me(erin).expect(200)).body.displayName).toBe('Erin');
      await me(basic('erin', NEW_STRONG)).expect(401);
    });

    // The input rules do not depend on the store: checked once.
    if (name !== 'memory') return;

    it.each([
      [
        'a weak new password',
        { password: 'password123' },
        'password is too weak: This is a commonly used password.',
      ],
      ['a new password of 73 bytes', { password: 'x'.repeat(73) }, ['password must be 8..72 bytes in UTF-8']],
      [
        'a display name of 65 characters',
        { displayName: 'E'.repeat(65) },
        ['displayName must be 1..64 characters'],
      ],
      [
        'a missing currentPassword',
        { displayName: 'Erin E.', currentPassword: undefined },
        ['currentPassword must be a string'],
      ],
      ['an unknown field', { role: 'admin', currentPassword: STRONG }, ['property role should not exist']],
    ])('refuses %s with 400', async (_name, body, message) => {
      await start();
      const res = await patch(erin, { currentPassword: STRONG, ...body }).expect(400);
      expect(res.body.message).toEqual(message);
      expect((await me(erin).expect(200)).body).toEqual({
        username: 'erin',
        displayName: 'Erin',
        role: 'user',
      });
    });

    it('answers the unchanged me when nothing is to change', async () => {
      await start();
      const res = await patch(erin, { currentPassword: STRONG }).expect(200);
      expect(res.body).toEqual({ username: 'erin', displayName: 'Erin', role: 'user' });
    });

    it('refuses changes to a user of the user file (managed there) with 403', async () => {
      await start();
      const res = await patch(authOf('bob'), {
        displayName: 'Robert',
        currentPassword: PASSWORDS.bob,
      }).expect(403);
      expect(res.body.message).toBe('this account is managed in the user file; ask an administrator');
      await me(authOf('bob')).expect(200);
    });

    it('needs credentials', async () => {
      await start();
      await patch('', { displayName: 'X', currentPassword: STRONG }).expect(401);
    });
  },
);
