import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { PostgresUserStore } from './postgres-user.store.js';
import { describeUserStore } from './user-store.contract.js';
import { newPostgresSchema, removeTestStores } from '../../../test/support/stores.js';

// The local PostgreSQL that CI starts; every store lives in a schema of its own (test/support/stores.ts).
afterAll(removeTestStores);

describeUserStore('PostgresUserStore', async () => PostgresUserStore.open(await newPostgresSchema(), 2));

describe('PostgresUserStore in a database', () => {
  const stores: PostgresUserStore[] = [];
  const open = async (url: string) => {
    const store = await PostgresUserStore.open(url, 2);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('keeps accounts across a reopen, with created times as numbers', async () => {
    const url = await newPostgresSchema();
    const first = await open(url);
    await first.syncFileUsers([{ username: 'alice', displayName: 'Alice', passwordHash: 'h1' }], 1);
    await first.create({
      username: 'bob',
      displayName: 'Bob',
      passwordHash: 'h2',
      role: 'user',
      status: 'pending',
      source: 'signup',
      createdMs: Date.parse('2026-11-27T10:00:00.000Z'),
    });
    await first.close();

    const second = await open(url);
    expect((await second.pending(10)).map((a) => a.createdMs)).toEqual([
      Date.parse('2026-11-27T10:00:00.000Z'),
    ]);
    expect((await second.list()).map((a) => a.username).sort()).toEqual(['alice', 'bob']);
  });

  it('lets two instances refresh the file users at once without losing or doubling any', async () => {
    const url = await newPostgresSchema();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const users = Array.from({ length: 20 }, (_, i) => ({
      username: `u${i}`,
      displayName: `U${i}`,
      passwordHash: 'h',
    }));
    await a.syncFileUsers([...users, { username: 'gone', displayName: 'Gone', passwordHash: 'h' }], 1);

    const [ra, rb] = await Promise.all([a.syncFileUsers(users, 2), b.syncFileUsers(users, 2)]);

    expect([...ra.removed, ...rb.removed]).toEqual(['gone']);
    expect((await b.list()).map((u) => u.username).sort()).toEqual(users.map((u) => u.username).sort());
  });
});
