import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { describeMessageStore } from './message-store.contract.js';
import { describeMessageSearch } from '../../search/message-search.contract.js';
import { SqliteMessageStore } from './sqlite-message.store.js';
import { migrationsFor } from '../../storage/migrations.js';

/** Every migration this build knows, as `schema_migrations` records them. */
const KNOWN = migrationsFor('sqlite').map(({ version, name }) => ({ version, name }));

const dir = mkdtempSync(join(tmpdir(), 'chat-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `store-${++files}.db`);

const openNew = (maxMessages: number) =>
  Promise.resolve(new SqliteMessageStore({ path: newFile(), maxMessages }));
describeMessageStore('SqliteMessageStore', openNew);
describeMessageSearch('SqliteMessageStore', openNew);

/** A database at schema 1 (one channel, no search), as a build of that time left it; open, for rows to be added. */
function schemaOneDatabase(path: string): Database.Database {
  const v1 = new Database(path);
  v1.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);' +
      migrationsFor('sqlite')[0].sql,
  );
  v1.prepare("INSERT INTO schema_migrations VALUES (1, 'messages', 'then')").run();
  return v1;
}

describe('SqliteMessageStore on disk', () => {
  const T0 = Date.parse('2026-11-27T10:00:00.000Z');
  const message = (id: number, clientMsgId?: string) => ({
    id,
    channel: 'general',
    user: 'alice',
    text: `message ${id}`,
    createdAt: new Date(T0 + id).toISOString(),
    ...(clientMsgId && { clientMsgId }),
  });
  const stores: SqliteMessageStore[] = [];
  const open = (path: string, maxMessages = 100) => {
    const store = new SqliteMessageStore({ path, maxMessages });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('keeps messages, ids, gone ids and clientMsgIds across a reopen', async () => {
    const path = newFile();
    const first = open(path, 3);
    for (let id = 1; id <= 4; id++) await first.append(message(id, `c${id}`), 0);
    await first.close();

    const second = open(path, 3);
    expect((await second.latest('general', 10, 0)).messages.map((m) => m.id)).toEqual([2, 3, 4]);
    expect(await second.lastId()).toBe(4);
    expect(await second.lastGoneId(['general'], 0)).toBe(1);
    expect(await second.append(message(9, 'c4'), 0)).toEqual({ message: message(4, 'c4'), created: false });
    expect((await second.append(message(4), 0)).message.id).toBe(5);
  });

  it('applies its migrations once, records them, and runs in WAL mode', () => {
    const path = newFile();
    open(path);
    open(path);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(KNOWN);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    expect(stores[0].integrityCheck()).toBe('ok');
  });

  it('refuses to open a schema newer than it knows, and changes nothing', () => {
    const path = newFile();
    open(path);
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'from the future', 'now')").run();
    db.close();

    expect(() => open(path)).toThrow(
      `the database schema is version 99, newer than this build knows (${KNOWN.length})`,
    );
  });

  it('moves the messages of a single-channel database (schema 1) into general, keeping ids and bookkeeping', async () => {
    const path = newFile();
    const v1 = schemaOneDatabase(path);
    const insert = v1.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?)');
    for (let id = 2; id <= 4; id++) insert.run(id, 'alice', `message ${id}`, T0 + id, null);
    v1.prepare('UPDATE store_state SET highest_id = 4, highest_gone_id = 1, stored = 3').run();
    v1.close();

    const store = open(path);
    expect((await store.latest('general', 10, 0)).messages).toEqual([message(2), message(3), message(4)]);
    expect(await store.lastGoneId(['general'], 0)).toBe(1);
    expect(await store.lastId()).toBe(4);
  });

  it('makes the messages of a database from before search (schema 1) searchable, and evicts them from the index', async () => {
    const path = newFile();
    const v1 = schemaOneDatabase(path);
    v1.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?)').run(2, 'alice', 'Déjà vu', T0 + 2, null);
    v1.close();

    const store = open(path);
    await store.append({ ...message(3), text: 'déjà vu again' }, 0);
    const filter = {
      include: [{ text: 'deja', wholeWord: false }],
      exclude: [],
      authors: [],
      channels: ['general'],
      hasLink: false,
    };
    expect((await store.search(filter, 10, 0)).map((m) => m.id)).toEqual([3, 2]);
    await store.evict(T0 + 3);
    expect((await store.search(filter, 10, 0)).map((m) => m.id)).toEqual([3]);
    await store.close();
    const db = new Database(path);
    try {
      // FTS5's own check, against the content of `messages` (rank 1): throws on any difference.
      for (const table of ['message_trigrams', 'message_words']) {
        db.exec(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`);
      }
    } finally {
      db.close();
    }
  });

  it('cuts a database with more messages than a lowered cap at the next append', async () => {
    const path = newFile();
    const first = open(path, 10);
    for (let id = 1; id <= 10; id++) await first.append(message(id), 0);
    await first.close();

    const second = open(path, 3);
    await second.append(message(11), 0);
    expect((await second.latest('general', 50, 0)).messages.map((m) => m.id)).toEqual([9, 10, 11]);
    expect(await second.lastGoneId(['general'], 0)).toBe(8);
  });
});
