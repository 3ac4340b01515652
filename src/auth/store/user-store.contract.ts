import { afterAll, describe, expect, it } from '@jest/globals';
import type { UserRecord } from '../users-file.js';
import type { Account, UserStore } from './user-store.js';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
/** Well-formed bcrypt hashes; the stores never check them. */
const HASH_A = `$2b$10$${'a'.repeat(53)}`;
const HASH_B = `$2b$10$${'b'.repeat(53)}`;
const HASH_C = `$2b$12$${'c'.repeat(53)}`;

const fileUser = (username: string, overrides: Partial<UserRecord> = {}): UserRecord => ({
  username,
  displayName: `${username} from the file`,
  passwordHash: HASH_A,
  ...overrides,
});

const signup = (username: string, overrides: Partial<Account> = {}): Account => ({
  username,
  displayName: `${username} signed up`,
  passwordHash: HASH_B,
  role: 'user',
  status: 'active',
  source: 'signup',
  createdMs: T0,
  ...overrides,
});

const byName = (accounts: Account[]) => [...accounts].sort((a, b) => (a.username < b.username ? -1 : 1));

/**
 * The contract of the UserStore port, run against every store (memory, SQLite, PostgreSQL). `open` gives an empty
 * store; every store opened is closed after the suite.
 */
export function describeUserStore(name: string, open: () => Promise<UserStore>): void {
  const opened: UserStore[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });
  async function openStore(): Promise<UserStore> {
    const store = await open();
    opened.push(store);
    return store;
  }

  describe(`${name} (UserStore contract)`, () => {
    it('starts empty', async () => {
      expect(await (await openStore()).list()).toEqual([]);
    });

    describe('create', () => {
      it('adds an account exactly as given', async () => {
        const store = await openStore();
        const bob = signup('bob', { status: 'pending', createdMs: T0 + 5 });
        expect(await store.create(bob)).toBe(true);
        expect(await store.list()).toEqual([bob]);
      });

      it('refuses a username that is taken and keeps the first account', async () => {
        const store = await openStore();
        await store.create(signup('bob'));
        expect(await store.create(signup('bob', { displayName: 'Other Bob', passwordHash: HASH_C }))).toBe(
          false,
        );
        expect(await store.list()).toEqual([signup('bob')]);
      });

      it('refuses the username of a file user', async () => {
        const store = await openStore();
        await store.syncFileUsers([fileUser('alice')], T0);
        expect(await store.create(signup('alice'))).toBe(false);
        expect((await store.list())[0].source).toBe('file');
      });

      it('adds every one of concurrent creates of different names, and one of the same name', async () => {
        const store = await openStore();
        const results = await Promise.all([
          ...['u1', 'u2', 'u3'].map((u) => store.create(signup(u))),
          ...Array.from({ length: 4 }, (_, i) => store.create(signup('same', { createdMs: T0 + i }))),
        ]);
        expect(results.slice(0, 3)).toEqual([true, true, true]);
        expect(results.slice(3).filter(Boolean)).toHaveLength(1);
        expect((await store.list()).map((a) => a.username).sort()).toEqual(['same', 'u1', 'u2', 'u3']);
      });
    });

    describe('syncFileUsers', () => {
      it('inserts the file users as active, with their role (user by default)', async () => {
        const store = await openStore();
        const result = await store.syncFileUsers([fileUser('alice', { role: 'admin' }), fileUser('bob')], T0);
        expect(result).toEqual({ removed: [], replaced: [] });
        expect(byName(await store.list())).toEqual([
          {
            username: 'alice',
            displayName: 'alice from the file',
            passwordHash: HASH_A,
            role: 'admin',
            status: 'active',
            source: 'file',
            createdMs: T0,
          },
          expect.objectContaining({ username: 'bob', role: 'user', status: 'active', source: 'file' }),
        ]);
      });

      it('updates name, hash and role of a file user again, keeping when it was made', async () => {
        const store = await openStore();
        await store.syncFileUsers([fileUser('alice', { role: 'admin' })], T0);
        await store.syncFileUsers(
          [fileUser('alice', { displayName: 'Alice', passwordHash: HASH_C })],
          T0 + 1000,
        );
        expect(await store.list()).toEqual([
          expect.objectContaining({
            username: 'alice',
            displayName: 'Alice',
            passwordHash: HASH_C,
            role: 'user',
            createdMs: T0,
          }),
        ]);
      });

      it('deletes the file users that are gone from the file and says which, leaving signed-up users', async () => {
        const store = await openStore();
        await store.syncFileUsers([fileUser('alice'), fileUser('carol'), fileUser('dave')], T0);
        await store.create(signup('bob'));
        await store.create(signup('erin', { status: 'pending' }));

        const result = await store.syncFileUsers([fileUser('alice')], T0);

        expect({ ...result, removed: [...result.removed].sort() }).toEqual({
          removed: ['carol', 'dave'],
          replaced: [],
        });
        expect((await store.list()).map((a) => a.username).sort()).toEqual(['alice', 'bob', 'erin']);
      });

      it('replaces a signed-up user (pending or not) by the file user of the same name, and says so', async () => {
        const store = await openStore();
        await store.create(signup('bob'));
        await store.create(signup('erin', { status: 'pending' }));

        const result = await store.syncFileUsers(
          [fileUser('bob', { passwordHash: HASH_C }), fileUser('erin')],
          T0 + 1,
        );

        expect(result).toEqual({ removed: [], replaced: ['bob', 'erin'] });
        expect(byName(await store.list())).toEqual([
          expect.objectContaining({
            username: 'bob',
            passwordHash: HASH_C,
            status: 'active',
            source: 'file',
          }),
          expect.objectContaining({
            username: 'erin',
            passwordHash: HASH_A,
            status: 'active',
            source: 'file',
          }),
        ]);
      });

      it('with an empty file, deletes every file user', async () => {
        const store = await openStore();
        await store.syncFileUsers([fileUser('alice')], T0);
        expect(await store.syncFileUsers([], T0)).toEqual({ removed: ['alice'], replaced: [] });
        expect(await store.list()).toEqual([]);
      });
    });

    describe('update', () => {
      it('changes only the display name when only it is given', async () => {
        const store = await openStore();
        await store.create(signup('bob'));
        const updated = await store.update('bob', { displayName: 'Robert' });
        expect(updated).toEqual(signup('bob', { displayName: 'Robert' }));
        expect(await store.list()).toEqual([updated]);
      });

      it('changes only the password hash when only it is given', async () => {
        const store = await openStore();
        await store.create(signup('bob'));
        expect(await store.update('bob', { passwordHash: HASH_C })).toEqual(
          signup('bob', { passwordHash: HASH_C }),
        );
      });

      it('changes both at once', async () => {
        const store = await openStore();
        await store.create(signup('bob'));
        await store.update('bob', { displayName: 'Robert', passwordHash: HASH_C });
        expect(await store.list()).toEqual([signup('bob', { displayName: 'Robert', passwordHash: HASH_C })]);
      });

      it('answers undefined for an unknown user', async () => {
        const store = await openStore();
        expect(await store.update('nobody', { displayName: 'X' })).toBeUndefined();
        expect(await store.list()).toEqual([]);
      });
    });

    describe('pending sign-ups', () => {
      async function storeWithSignups(): Promise<UserStore> {
        const store = await openStore();
        await store.syncFileUsers([fileUser('alice')], T0);
        await store.create(signup('late', { status: 'pending', createdMs: T0 + 30 }));
        await store.create(signup('active', { createdMs: T0 }));
        await store.create(signup('early', { status: 'pending', createdMs: T0 + 10 }));
        await store.create(signup('middle', { status: 'pending', createdMs: T0 + 20 }));
        return store;
      }

      it('lists only the pending accounts, oldest first, at most `limit`', async () => {
        const store = await storeWithSignups();
        expect((await store.pending(10)).map((a) => a.username)).toEqual(['early', 'middle', 'late']);
        expect((await store.pending(2)).map((a) => a.username)).toEqual(['early', 'middle']);
        expect((await store.pending(1))[0]).toEqual(
          signup('early', { status: 'pending', createdMs: T0 + 10 }),
        );
      });

      it('approves a pending account, once', async () => {
        const store = await storeWithSignups();
        expect(await store.approve('middle')).toEqual(signup('middle', { createdMs: T0 + 20 }));
        expect(await store.approve('middle')).toBeUndefined();
        expect((await store.pending(10)).map((a) => a.username)).toEqual(['early', 'late']);
      });

      it('approves neither an active account nor an unknown one', async () => {
        const store = await storeWithSignups();
        expect(await store.approve('active')).toBeUndefined();
        expect(await store.approve('alice')).toBeUndefined();
        expect(await store.approve('nobody')).toBeUndefined();
      });

      it('deletes a pending account, and only a pending one', async () => {
        const store = await storeWithSignups();
        expect(await store.deletePending('early')).toBe(true);
        expect(await store.deletePending('early')).toBe(false);
        expect(await store.deletePending('active')).toBe(false);
        expect(await store.deletePending('alice')).toBe(false);
        expect((await store.list()).map((a) => a.username).sort()).toEqual([
          'active',
          'alice',
          'late',
          'middle',
        ]);
      });
    });
  });
}
