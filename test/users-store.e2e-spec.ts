import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { AuthService } from '../src/auth/auth.service.js';
import { removeTestStores, TEST_STORES } from './support/stores.js';
import { authOf, basic, createTestApp, TEST_USERS_FILE } from './support/test-app.js';

const STRONG = 'blue-Harbor-Quietly-47';

interface FileUser {
  username: string;
  displayName: string;
  passwordHash: string;
  role?: string;
}

afterAll(removeTestStores);

/**
 * Where users live (API.md users.json): the user file seeds the store at start and on SIGHUP, signed-up users live in
 * the store next to them, and survive restarts with a persistent store.
 */
describe.each(TEST_STORES)('users on the $name store', ({ name, store }) => {
  let app: NestExpressApplication | undefined;
  let dir: string;
  let usersFile: string;
  let storeUrl: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chat-users-store-'));
    usersFile = join(dir, 'users.json');
    await copyFile(TEST_USERS_FILE, usersFile);
    storeUrl = await store();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** (Re)starts the app on this test's store and user file. */
  async function start(env: Record<string, string> = {}): Promise<void> {
    await app?.close();
    app = await createTestApp({
      env: { STORE: storeUrl, USERS_FILE: usersFile, SIGNUP: 'open', TRUST_PROXY: 'loopback', ...env },
    });
  }
  const http = () => request(app!.getHttpServer());
  const me = (auth: string) => http().get('/api/me').set('Authorization', auth);
  const signup = (username: string, password = STRONG, address = '198.51.100.7') =>
    http()
      .post('/api/signup')
      .set('X-Forwarded-For', address)
      .send({ username, password, displayName: `${username} signed up` });
  const usernames = async () =>
    (await http().get('/api/users').set('Authorization', authOf('bob')).expect(200)).body.users.map(
      (u: { username: string }) => u.username,
    );
  async function editFile(edit: (users: FileUser[]) => FileUser[]): Promise<void> {
    const file = JSON.parse(await readFile(usersFile, 'utf8')) as { users: FileUser[] };
    await writeFile(usersFile, JSON.stringify({ users: edit(file.users) }));
  }
  /** What SIGHUP does (src/main.ts), without a process to signal. */
  const reload = () => app!.get(AuthService).reloadUsers();

  it('takes the role of the user file: alice is an admin, bob a user', async () => {
    await start();
    expect((await me(authOf('alice')).expect(200)).body.role).toBe('admin');
    expect((await me(authOf('bob')).expect(200)).body.role).toBe('user');
    await http().get('/api/admin/signups').set('Authorization', authOf('alice')).expect(200);
    await http().get('/api/admin/signups').set('Authorization', authOf('bob')).expect(403);
  });

  it('reloading keeps signed-up users and removes the file users gone from the file', async () => {
    await start();
    await signup('erin').expect(201);
    await me(authOf('carol')).expect(200);

    await editFile((users) => users.filter((u) => u.username !== 'carol'));
    expect(await reload()).toEqual(['carol']);

    await me(authOf('carol')).expect(401);
    await me(basic('erin', STRONG)).expect(200);
    expect(await usernames()).toEqual(['alice', 'bob', 'dave', 'erin', 'zoe']);
  });

  it('reloading applies role, name and password changes of the file at once', async () => {
    await start();
    await me(authOf('bob')).expect(200);
    const passwordHash = await bcrypt.hash('bob-new-password', 10);
    await editFile((users) =>
      users.map((u) =>
        u.username === 'bob' ? { ...u, displayName: 'Robert', role: 'admin', passwordHash } : u,
      ),
    );

    expect(await reload()).toEqual([]);

    await me(authOf('bob')).expect(401);
    const bob = await me(basic('bob', 'bob-new-password')).expect(200);
    expect(bob.body).toEqual({ username: 'bob', displayName: 'Robert', role: 'admin' });
    await http().get('/api/admin/signups').set('Authorization', basic('bob', 'bob-new-password')).expect(200);
  });

  it('a user of the file replaces a signed-up user of the same name, with the password of the file', async () => {
    await start();
    await signup('frank').expect(201);
    const passwordHash = await bcrypt.hash('frank-file-password', 10);
    await editFile((users) => [
      ...users,
      { username: 'frank', displayName: 'Frank of the file', passwordHash },
    ]);

    await reload();

    await me(basic('frank', STRONG)).expect(401);
    expect((await me(basic('frank', 'frank-file-password')).expect(200)).body.displayName).toBe(
      'Frank of the file',
    );
    // It is a file user now: gone from the file, it is gone.
    await editFile((users) => users.filter((u) => u.username !== 'frank'));
    expect(await reload()).toEqual(['frank']);
    await me(basic('frank', 'frank-file-password')).expect(401);
  });

  it('an invalid file on reload changes nothing', async () => {
    await start();
    await signup('erin').expect(201);
    await writeFile(usersFile, '{"users": [{"username": "x"}]}');
    await expect(reload()).rejects.toThrow(/passwordHash/);
    await me(authOf('carol')).expect(200);
    await me(basic('erin', STRONG)).expect(200);
  });

  if (name !== 'memory') {
    it('keeps signed-up users, pending ones pending, across a restart', async () => {
      await start();
      await signup('erin').expect(201);
      await start({ SIGNUP: 'approval' });
      await signup('fay', STRONG, '198.51.100.8').expect(201);

      await start({ SIGNUP: 'closed' });

      await me(basic('erin', STRONG)).expect(200);
      await me(basic('fay', STRONG)).expect(403);
      const pending = await http()
        .get('/api/admin/signups')
        .set('Authorization', authOf('alice'))
        .expect(200);
      expect(pending.body.signups.map((s: { username: string }) => s.username)).toEqual(['fay']);
      expect(await usernames()).toContain('erin');
    });

    it('at start, removes the file users that left the file while the server was down', async () => {
      await start();
      await signup('erin').expect(201);
      await editFile((users) => users.filter((u) => u.username !== 'dave'));

      await start();

      await me(authOf('dave')).expect(401);
      await me(basic('erin', STRONG)).expect(200);
      expect(await usernames()).not.toContain('dave');
    });
  } else {
    it('forgets signed-up users at a restart (nothing is kept in memory mode)', async () => {
      await start();
      await signup('erin').expect(201);
      await start();
      await me(basic('erin', STRONG)).expect(401);
      await me(authOf('alice')).expect(200);
    });
  }
});
