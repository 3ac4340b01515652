import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Message } from '../message.js';
import { describeMessageStore } from './message-store.contract.js';
import { describeMessageSearch } from '../../search/message-search.contract.js';
import { searchTerm } from '../../search/search-filter.js';
import { PostgresMessageStore } from './postgres-message.store.js';
import { migrationsFor } from '../../storage/migrations.js';

/** Every migration this build knows, as `schema_migrations` records them. */
const KNOWN = migrationsFor('postgres').map(({ version, name }) => ({ version, name }));

/** The local PostgreSQL that CI starts; an unreachable server fails this file rather than skipping it. */
const BASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// Every store lives in a schema of its own, made and dropped here; the store reaches it through the connection's
// search_path, which the URL's `options` parameter sets at connection start for every connection of the pool.
const admin = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 5000 });
// pg queues queries on a client that never connected and leaves them pending; awaiting this first makes every test
// fail at once with the connection error instead of at its timeout.
let adminConnected: Promise<unknown> | undefined;
const connectAdmin = () => (adminConnected ??= admin.connect());
const adminQuery = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
  await connectAdmin();
  return (await admin.query<T>(sql)).rows;
};
const schemas: string[] = [];
const stores: PostgresMessageStore[] = [];

beforeAll(connectAdmin);
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  const connected = await connectAdmin().then(
    () => true,
    () => false,
  );
  if (!connected) return;
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

async function newSchema(): Promise<string> {
  const schema = `chat_test_${process.pid}_${schemas.length + 1}`;
  schemas.push(schema);
  // A schema left by an earlier run that died under the same pid would otherwise make this one fail.
  await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await adminQuery(`CREATE SCHEMA ${schema}`);
  return schema;
}

const urlFor = (schema: string) =>
  `${BASE_URL}${BASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** Opens a store in `schema`; a small pool, because the contract keeps all its stores open until the end. */
async function open(schema: string, maxMessages = 100): Promise<PostgresMessageStore> {
  const store = await PostgresMessageStore.open({ url: urlFor(schema), maxMessages, poolSize: 2 });
  stores.push(store);
  return store;
}

describeMessageStore('PostgresMessageStore', async (maxMessages) => open(await newSchema(), maxMessages));
describeMessageSearch('PostgresMessageStore', async (maxMessages) => open(await newSchema(), maxMessages));

describe('PostgresMessageStore in a database', () => {
  const T0 = Date.parse('2026-11-27T10:00:00.000Z');
  const message = (id: number, clientMsgId?: string): Message => ({
    id,
    channel: 'general',
    user: 'alice',
    text: `message ${id}`,
    createdAt: new Date(T0 + id).toISOString(),
    ...(clientMsgId && { clientMsgId }),
  });
  const ids = (messages: Message[]) => messages.map((m) => m.id);
  const query = async <T extends pg.QueryResultRow>(schema: string, sql: string): Promise<T[]> => {
    await adminQuery(`SET search_path TO ${schema}`);
    return adminQuery<T>(sql);
  };
  afterEach(async () => {
    await adminQuery('RESET search_path');
  });

  it('keeps messages, ids, gone ids and clientMsgIds across a reopen', async () => {
    const schema = await newSchema();
    const first = await open(schema, 3);
    for (let id = 1; id <= 4; id++) await first.append(message(id, `c${id}`), 0);
    await first.close();

    const second = await open(schema, 3);
    expect(ids((await second.latest('general', 10, 0)).messages)).toEqual([2, 3, 4]);
    expect(await second.lastId()).toBe(4);
    expect(await second.lastGoneId(['general'], 0)).toBe(1);
    expect(await second.append(message(9, 'c4'), 0)).toEqual({ message: message(4, 'c4'), created: false });
    expect((await second.append(message(4), 0)).message.id).toBe(5);
  });

  it('applies its migrations once, even when several instances start at once', async () => {
    const schema = await newSchema();
    await Promise.all([open(schema), open(schema), open(schema)]);
    await open(schema);

    expect(await query(schema, 'SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(
      KNOWN,
    );
    expect(await query(schema, 'SELECT highest_id, highest_gone_id, stored FROM store_state')).toEqual([
      { highest_id: '0', highest_gone_id: '0', stored: '0' },
    ]);
  });

  it('refuses to open a schema newer than it knows, and changes nothing', async () => {
    const schema = await newSchema();
    await open(schema);
    await query(schema, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");

    await expect(open(schema)).rejects.toThrow(
      `the database schema is version 99, newer than this build knows (${KNOWN.length})`,
    );
  });

  it('creates nothing in a schema whose only table records a newer version', async () => {
    const schema = await newSchema();
    await query(
      schema,
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ)',
    );
    await query(schema, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");

    await expect(open(schema)).rejects.toThrow('newer than this build knows');
    expect(
      await query(
        schema,
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}'`,
      ),
    ).toEqual([{ table_name: 'schema_migrations' }]);
  });

  it('moves the messages of a single-channel database (schema 1) into general, keeping ids and bookkeeping', async () => {
    const schema = await newSchema();
    await query(
      schema,
      'CREATE TABLE schema_migrations ' +
        '(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());' +
        migrationsFor('postgres')[0].sql,
    );
    await query(schema, "INSERT INTO schema_migrations (version, name) VALUES (1, 'messages')");
    await query(
      schema,
      'INSERT INTO messages VALUES ' +
        [2, 3, 4].map((id) => `(${id}, 'alice', 'message ${id}', ${T0 + id}, NULL)`).join(', '),
    );
    await query(schema, 'UPDATE store_state SET highest_id = 4, highest_gone_id = 1, stored = 3');

    const store = await open(schema);
    expect((await store.latest('general', 10, 0)).messages).toEqual([message(2), message(3), message(4)]);
    expect(await store.lastGoneId(['general'], 0)).toBe(1);
    expect(await store.lastId()).toBe(4);
    expect(await query(schema, 'SELECT channel, stored, highest_gone_id FROM channel_state')).toEqual([
      { channel: 'general', stored: '3', highest_gone_id: '1' },
    ]);
  });

  const searchFor = (store: PostgresMessageStore, word: string, limit = 10) =>
    store
      .search(
        { include: [searchTerm(word)], exclude: [], authors: [], channels: ['general'], hasLink: false },
        limit,
        0,
      )
      .then(ids);

  it('folds the text of messages stored before search (schema 3) when it opens', async () => {
    const schema = await newSchema();
    const first = await open(schema);
    await first.append({ ...message(1), text: 'Le Café est ouvert' }, 0);
    await first.append({ ...message(2), text: '``' }, 0);
    await first.close();
    await query(schema, "UPDATE messages SET search = ''");

    const second = await open(schema);
    expect(await searchFor(second, 'cafe')).toEqual([1]);
    expect(await query(schema, 'SELECT id, search FROM messages ORDER BY id')).toEqual([
      { id: '1', search: 'le cafe est ouvert' },
      { id: '2', search: '' },
    ]);
  });

  it('takes a backslash in a term literally', async () => {
    const store = await open(await newSchema());
    await store.append({ ...message(1), text: 'C:\\temp\\x' }, 0);
    await store.append({ ...message(2), text: 'C:temp' }, 0);

    expect(await searchFor(store, ':\\temp')).toEqual([1]);
  });

  it('reads further batches when whole-word candidates fail the exact check', async () => {
    const store = await open(await newSchema(), 1000);
    // 'go' as a word only in the two oldest; every newer message contains 'go' inside a word.
    await store.append({ ...message(1), text: 'go now' }, 0);
    await store.append({ ...message(2), text: "let's go" }, 0);
    for (let id = 3; id <= 250; id++) await store.append({ ...message(id), text: `good ${id}` }, 0);

    expect(await searchFor(store, 'go')).toEqual([2, 1]);
    expect(await searchFor(store, 'go', 1)).toEqual([2]);
  });

  it('cuts a database with more messages than a lowered cap at the next append', async () => {
    const schema = await newSchema();
    const first = await open(schema, 10);
    for (let id = 1; id <= 10; id++) await first.append(message(id), 0);
    await first.close();

    const second = await open(schema, 3);
    await second.append(message(11), 0);
    expect(ids((await second.latest('general', 50, 0)).messages)).toEqual([9, 10, 11]);
    expect(await second.lastGoneId(['general'], 0)).toBe(8);
  });

  it('commits concurrent appends together, each with its own answer, a retry in the same batch included', async () => {
    const store = await open(await newSchema(), 100);
    const results = await Promise.all([
      store.append(message(1, 'same'), 0),
      store.append(message(2, 'same'), 0),
      store.append(message(3), 0),
    ]);
    expect(results).toEqual([
      { message: message(1, 'same'), created: true },
      { message: message(1, 'same'), created: false },
      { message: message(3), created: true },
    ]);
    expect(ids((await store.latest('general', 10, 0)).messages)).toEqual([1, 3]);
  });

  it('places concurrent appends of two instances with the same draft ids one after another', async () => {
    const schema = await newSchema();
    const cap = 10;
    const a = await open(schema, cap);
    const b = await open(schema, cap);

    // Both instances propose ids 1..25 (clocks that agree): every message is stored, each with an id of its own.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? a : b).append({ ...message((i >> 1) + 1), text: `m${i}` }, 0),
      ),
    );

    const placed = results.map((r) => r.message.id);
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(placed).size).toBe(50);
    results.forEach((r, i) => expect(r.message.id).toBeGreaterThanOrEqual((i >> 1) + 1));
    const retained = [...placed].sort((x, y) => x - y).slice(-cap);
    expect(ids((await a.latest('general', 50, 0)).messages)).toEqual(retained);
    expect(ids((await b.latest('general', 50, 0)).messages)).toEqual(retained);
    expect(await b.lastId()).toBe(Math.max(...placed));
    // Creation times ascend with ids, and the bookkeeping counts every append once.
    const rows = await query<{ created_ms: string }>(schema, 'SELECT created_ms FROM messages ORDER BY id');
    const times = rows.map((r) => Number(r.created_ms));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(await query(schema, 'SELECT stored, highest_id FROM store_state')).toEqual([
      { stored: String(cap), highest_id: String(Math.max(...placed)) },
    ]);
  });

  it('stores a clientMsgId sent through two instances at once only once', async () => {
    const schema = await newSchema();
    const a = await open(schema);
    const b = await open(schema);

    const [first, second] = await Promise.all([
      a.append(message(1, 'same'), 0),
      b.append(message(2, 'same'), 0),
    ]);

    expect([first, second].filter((result) => result.created)).toHaveLength(1);
    expect(first.message).toEqual(second.message);
    expect((await a.latest('general', 10, 0)).messages).toEqual([first.message]);
  });

  it('evicts from one instance while another appends, and books every row once', async () => {
    const schema = await newSchema();
    const a = await open(schema, 1000);
    const b = await open(schema, 1000);
    for (let id = 1; id <= 600; id++) await a.append(message(id), 0);

    const [evicted] = await Promise.all([
      a.evict(T0 + 551),
      (async () => {
        for (let id = 601; id <= 620; id++) await b.append(message(id), 0);
      })(),
    ]);

    expect(evicted).toBe(550);
    expect(await b.lastGoneId(['general'], 0)).toBe(550);
    expect(await query(schema, 'SELECT stored FROM store_state')).toEqual([{ stored: '70' }]);
    expect(await query(schema, 'SELECT stored, highest_gone_id FROM channel_state')).toEqual([
      { stored: '70', highest_gone_id: '550' },
    ]);
    expect((await b.bounds('general', 0)).oldestId).toBe(551);
  });
});
