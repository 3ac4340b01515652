import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Message, MessagePage } from '../message.js';
import { MESSAGE_COLUMNS, type MessageRow, toMessage, toRow } from './message-row.js';
import { EVICTION_BATCH, MessageStore } from './message-store.js';
import { openSqlite, type SqliteSynchronous } from '../../storage/sqlite.js';

interface State {
  highest_id: number;
  highest_gone_id: number;
  stored: number;
}

export interface SqliteOptions {
  path: string;
  maxMessages: number;
  /**
   * `NORMAL` (default) in WAL mode survives a process crash; a power loss may lose the last commits. `FULL` survives
   * both, at an fsync per commit.
   */
  synchronous?: SqliteSynchronous;
}

/**
 * Messages in an embedded SQLite database (better-sqlite3): WAL, prepared statements, every read an index range of
 * O(log n + page). better-sqlite3 is synchronous, so each call runs to completion on the event loop; the queries are
 * sized for that (docs/PERFORMANCE.md measures the longest block).
 */
export class SqliteMessageStore extends MessageStore {
  private readonly db: Database.Database;
  private readonly maxMessages: number;
  private readonly sql;

  constructor(options: SqliteOptions) {
    super();
    this.maxMessages = options.maxMessages;
    this.db = openSqlite(options.path, options.synchronous);
    const db = this.db;
    const select = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
    // Ids and creation times ascend together, so the retained messages are those from the oldest retained id on:
    // every page is one range of the id index.
    const retained = 'id >= (SELECT id FROM messages WHERE created_ms >= ? ORDER BY created_ms, id LIMIT 1)';
    this.sql = {
      state: db.prepare<[], State>('SELECT highest_id, highest_gone_id, stored FROM store_state'),
      newest: db.prepare<[], MessageRow>(`${select} ORDER BY id DESC LIMIT 1`),
      oldestRetained: db.prepare<[number], MessageRow>(
        `${select} WHERE created_ms >= ? ORDER BY created_ms, id LIMIT 1`,
      ),
      newestExpired: db.prepare<[number], { id: number }>(
        'SELECT id FROM messages WHERE created_ms < ? ORDER BY created_ms DESC, id DESC LIMIT 1',
      ),
      byClientMsgId: db.prepare<[string, string], MessageRow>(
        `${select} WHERE author = ? AND client_msg_id = ?`,
      ),
      latest: db.prepare<[number, number], MessageRow>(
        `${select} WHERE ${retained} ORDER BY id DESC LIMIT ?`,
      ),
      before: db.prepare<[number, number, number], MessageRow>(
        `${select} WHERE ${retained} AND id < ? ORDER BY id DESC LIMIT ?`,
      ),
      after: db.prepare<[number, number, number], MessageRow>(
        `${select} WHERE ${retained} AND id > ? ORDER BY id LIMIT ?`,
      ),
      insert: db.prepare<[MessageRow]>(
        'INSERT INTO messages (id, author, text, created_ms, client_msg_id) ' +
          'VALUES (@id, @author, @text, @created_ms, @client_msg_id)',
      ),
      deleteById: db.prepare<[number]>('DELETE FROM messages WHERE id = ?'),
      deleteOldest: db.prepare<[number], { id: number }>(
        'DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT ?) RETURNING id',
      ),
      deleteExpired: db.prepare<[number, number], { id: number }>(
        'DELETE FROM messages WHERE id IN ' +
          '(SELECT id FROM messages WHERE created_ms < ? ORDER BY created_ms, id LIMIT ?) RETURNING id',
      ),
      recordAppend: db.prepare<[number]>('UPDATE store_state SET highest_id = ?, stored = stored + 1'),
      recordGone: db.prepare<[number, number]>(
        'UPDATE store_state SET highest_gone_id = max(highest_gone_id, ?), stored = stored - ?',
      ),
    };
  }

  lastId(): Promise<number> {
    return Promise.resolve(this.sql.state.get()!.highest_id);
  }

  append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }> {
    // The executor turns a throw (out of order) into a rejection, as the async stores report it.
    return new Promise((resolve) =>
      resolve(this.db.transaction(() => this.appendNow(message, notBefore)).immediate()),
    );
  }

  findByClientMsgId(user: string, clientMsgId: string, notBefore: number): Promise<Message | undefined> {
    const row = this.sql.byClientMsgId.get(user, clientMsgId);
    return Promise.resolve(row && row.created_ms >= notBefore ? toMessage(row) : undefined);
  }

  latest(limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.latest.all(notBefore, limit + 1);
    return Promise.resolve(newestFirstPage(rows, limit, false));
  }

  before(id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.before.all(notBefore, id, limit + 1);
    const { newestId } = this.boundsNow(notBefore);
    return Promise.resolve(newestFirstPage(rows, limit, newestId !== null && newestId >= id));
  }

  after(id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.after.all(notBefore, id, limit + 1);
    const { oldestId } = this.boundsNow(notBefore);
    return Promise.resolve({
      messages: rows.slice(0, limit).map(toMessage),
      hasOlder: oldestId !== null && oldestId <= id,
      hasNewer: rows.length > limit,
    });
  }

  bounds(notBefore: number): Promise<{ oldestId: number | null; newestId: number | null }> {
    return Promise.resolve(this.boundsNow(notBefore));
  }

  lastGoneId(notBefore: number): Promise<number> {
    const expired = this.sql.newestExpired.get(notBefore)?.id ?? 0;
    return Promise.resolve(Math.max(expired, this.sql.state.get()!.highest_gone_id));
  }

  async evict(notBefore: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = this.db.transaction(() =>
        this.recordGone(this.sql.deleteExpired.all(notBefore, EVICTION_BATCH)),
      )();
      total += deleted;
      if (deleted < EVICTION_BATCH) return total;
      await nextTurn();
    }
  }

  override close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  /** `PRAGMA integrity_check`: `ok` or the problems found. */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  private boundsNow(notBefore: number): { oldestId: number | null; newestId: number | null } {
    const oldest = this.sql.oldestRetained.get(notBefore);
    return oldest
      ? { oldestId: oldest.id, newestId: this.sql.newest.get()!.id }
      : { oldestId: null, newestId: null };
  }

  private appendNow(message: Message, notBefore: number): { message: Message; created: boolean } {
    if (message.clientMsgId !== undefined) {
      const original = this.sql.byClientMsgId.get(message.user, message.clientMsgId);
      if (original && original.created_ms >= notBefore)
        return { message: toMessage(original), created: false };
      // An expired original frees its clientMsgId at once, as if eviction had just run.
      if (original) {
        this.sql.deleteById.run(original.id);
        this.recordGone([original]);
      }
    }
    const row = toRow(message);
    const newest = this.sql.newest.get();
    if (message.id <= this.sql.state.get()!.highest_id || (newest && row.created_ms < newest.created_ms)) {
      throw new Error(`message ${message.id} is out of order`);
    }
    this.sql.insert.run(row);
    this.sql.recordAppend.run(message.id);
    const over = this.sql.state.get()!.stored - this.maxMessages;
    if (over > 0) this.recordGone(this.sql.deleteOldest.all(over));
    return { message, created: true };
  }

  /** Books deleted rows in `store_state`; returns how many. */
  private recordGone(rows: { id: number }[]): number {
    if (rows.length === 0) return 0;
    this.sql.recordGone.run(
      rows.reduce((highest, row) => Math.max(highest, row.id), 0),
      rows.length,
    );
    return rows.length;
  }
}

/** A page from rows read newest first with one extra row that tells whether older ones exist. */
function newestFirstPage(rows: MessageRow[], limit: number, hasNewer: boolean): MessagePage {
  return { messages: rows.slice(0, limit).reverse().map(toMessage), hasOlder: rows.length > limit, hasNewer };
}
