import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { SqliteUserStore } from './sqlite-user.store.js';
import { describeUserStore } from './user-store.contract.js';
import { newSqlitePath, removeTestStores } from '../../../test/support/stores.js';

afterAll(removeTestStores);

describeUserStore('SqliteUserStore', () => Promise.resolve(new SqliteUserStore(newSqlitePath())));

describe('SqliteUserStore on disk', () => {
  const stores: SqliteUserStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('keeps accounts across a reopen', async () => {
    const path = newSqlitePath();
    const first = new SqliteUserStore(path);
    stores.push(first);
    await first.syncFileUsers(
      [{ username: 'alice', displayName: 'Alice', passwordHash: 'h1', role: 'admin' }],
      1,
    );
    await first.create({
      username: 'bob',
      displayName: 'Bob',
      passwordHash: 'h2',
      role: 'user',
      status: 'pending',
      source: 'signup',
      createdMs: 2,
    });
    await first.close();

    const second = new SqliteUserStore(path);
    stores.push(second);
    const accounts = (await second.list()).sort((x, y) => (x.username < y.username ? -1 : 1));
    expect(accounts.map((a) => [a.username, a.role, a.status, a.source, a.createdMs])).toEqual([
      ['alice', 'admin', 'active', 'file', 1],
      ['bob', 'user', 'pending', 'signup', 2],
    ]);
  });
});
