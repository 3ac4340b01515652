import pg from 'pg';
import type { Message, MessagePage } from '../message.js';
import { MESSAGE_COLUMNS, type MessageRow, toMessage, toRow } from './message-row.js';
import { EVICTION_BATCH, MessageStore } from './message-store.js';
import { openPostgres, transaction } from '../../storage/postgres.js';

export interface PostgresOptions {
  /** `postgres://user[:password]@host[:port]/database[?options=...]` */
  url: string;
  maxMessages: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** pg returns BIGINT columns as strings (they may exceed 2^53); ids and times here stay below, so Number() is exact. */
interface PgMessageRow extends Omit<MessageRow, 'id' | 'created_ms'> {
  id: string;
  created_ms: string;
}

/** `store_state` as read under its row lock; the highest id ever stored does not change until the lock is released. */
interface LockedState {
  highest_id: string;
}

const SELECT = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
/**
 * Ids and creation times ascend together, so the retained messages are those from the oldest retained id on: every
 * page is one range of the id index. `$1` is `notBefore`.
 */
const RETAINED = 'id >= (SELECT id FROM messages WHERE created_ms >= $1 ORDER BY created_ms, id LIMIT 1)';

const SQL = {
  lastId: 'SELECT highest_id FROM store_state',
  lockState: 'SELECT highest_id FROM store_state FOR UPDATE',
  newest: 'SELECT created_ms FROM messages ORDER BY id DESC LIMIT 1',
  bounds:
    'SELECT (SELECT id FROM messages WHERE created_ms >= $1 ORDER BY created_ms, id LIMIT 1) AS oldest_id, ' +
    '(SELECT max(id) FROM messages) AS newest_id',
  lastGoneId:
    'SELECT GREATEST(highest_gone_id, COALESCE((SELECT id FROM messages WHERE created_ms < $1 ' +
    'ORDER BY created_ms DESC, id DESC LIMIT 1), 0)) AS id FROM store_state',
  byClientMsgId: `${SELECT} WHERE author = $1 AND client_msg_id = $2`,
  latest: `${SELECT} WHERE ${RETAINED} ORDER BY id DESC LIMIT $2`,
  before: `${SELECT} WHERE ${RETAINED} AND id < $2 ORDER BY id DESC LIMIT $3`,
  after: `${SELECT} WHERE ${RETAINED} AND id > $2 ORDER BY id LIMIT $3`,
  insert: 'INSERT INTO messages (id, author, text, created_ms, client_msg_id) VALUES ($1, $2, $3, $4, $5)',
  deleteById: 'DELETE FROM messages WHERE id = $1',
  deleteOldest:
    'DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT $1) RETURNING id',
  deleteExpired:
    'DELETE FROM messages WHERE id IN ' +
    '(SELECT id FROM messages WHERE created_ms < $1 ORDER BY created_ms, id LIMIT $2) RETURNING id',
  recordAppend: 'UPDATE store_state SET highest_id = $1, stored = stored + 1 RETURNING stored',
  recordGone: 'UPDATE store_state SET highest_gone_id = GREATEST(highest_gone_id, $1), stored = stored - $2',
} as const;

/**
 * Messages in PostgreSQL through a `pg.Pool`, with the schema and queries of SqliteMessageStore: every read is an
 * index range of O(log n + page). Several instances may share one database: every write first locks the single
 * `store_state` row, so appends, count-cap drops and eviction runs serialize across connections and processes.
 */
export class PostgresMessageStore extends MessageStore {
  private closing?: Promise<void>;
  private appends: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly maxMessages: number,
  ) {
    super();
  }

  /** Connects, applies pending migrations and returns the store. */
  static async open(options: PostgresOptions): Promise<PostgresMessageStore> {
    return new PostgresMessageStore(await openPostgres(options.url, options.poolSize), options.maxMessages);
  }

  async lastId(): Promise<number> {
    const { rows } = await this.pool.query<{ highest_id: string }>(SQL.lastId);
    return Number(rows[0].highest_id);
  }

  /**
   * Appends run one after another in call order: MessagesService numbers messages in the order it calls this, and
   * on a pool a later transaction could otherwise commit first and make the earlier id out of order.
   */
  append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }> {
    const appended = this.appends.then(() =>
      this.write((client, state) => this.appendLocked(client, state, message, notBefore)),
    );
    this.appends = appended.catch(() => undefined);
    return appended;
  }

  async findByClientMsgId(
    user: string,
    clientMsgId: string,
    notBefore: number,
  ): Promise<Message | undefined> {
    const { rows } = await this.pool.query<PgMessageRow>(SQL.byClientMsgId, [user, clientMsgId]);
    const row = rows.at(0);
    return row && Number(row.created_ms) >= notBefore ? fromPg(row) : undefined;
  }

  async latest(limit: number, notBefore: number): Promise<MessagePage> {
    const { rows } = await this.pool.query<PgMessageRow>(SQL.latest, [notBefore, limit + 1]);
    return newestFirstPage(rows, limit, false);
  }

  // The page and the bounds are two statements, run side by side: a write between them can leave a flag as stale as
  // it would be one read later, and the next page corrects it.
  async before(id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const [{ rows }, { newestId }] = await Promise.all([
      this.pool.query<PgMessageRow>(SQL.before, [notBefore, id, limit + 1]),
      this.bounds(notBefore),
    ]);
    return newestFirstPage(rows, limit, newestId !== null && newestId >= id);
  }

  async after(id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const [{ rows }, { oldestId }] = await Promise.all([
      this.pool.query<PgMessageRow>(SQL.after, [notBefore, id, limit + 1]),
      this.bounds(notBefore),
    ]);
    return {
      messages: rows.slice(0, limit).map(fromPg),
      hasOlder: oldestId !== null && oldestId <= id,
      hasNewer: rows.length > limit,
    };
  }

  async bounds(notBefore: number): Promise<{ oldestId: number | null; newestId: number | null }> {
    const { rows } = await this.pool.query<{ oldest_id: string | null; newest_id: string | null }>(
      SQL.bounds,
      [notBefore],
    );
    const { oldest_id, newest_id } = rows[0];
    // The newest message is retained exactly when any is, so one expiry test covers both ends.
    return oldest_id === null || newest_id === null
      ? { oldestId: null, newestId: null }
      : { oldestId: Number(oldest_id), newestId: Number(newest_id) };
  }

  async lastGoneId(notBefore: number): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(SQL.lastGoneId, [notBefore]);
    return Number(rows[0].id);
  }

  async evict(notBefore: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.write(async (client) => {
        const { rows } = await client.query<{ id: string }>(SQL.deleteExpired, [notBefore, EVICTION_BATCH]);
        return this.recordGone(client, rows);
      });
      total += deleted;
      if (deleted < EVICTION_BATCH) return total;
    }
  }

  override close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /** SqliteMessageStore.appendNow, run with the `store_state` row locked by `write`. */
  private async appendLocked(
    client: pg.PoolClient,
    state: LockedState,
    message: Message,
    notBefore: number,
  ): Promise<{ message: Message; created: boolean }> {
    if (message.clientMsgId !== undefined) {
      const { rows } = await client.query<PgMessageRow>(SQL.byClientMsgId, [
        message.user,
        message.clientMsgId,
      ]);
      const original = rows.at(0);
      if (original && Number(original.created_ms) >= notBefore)
        return { message: fromPg(original), created: false };
      // An expired original frees its clientMsgId at once, as if eviction had just run.
      if (original) {
        await client.query(SQL.deleteById, [original.id]);
        await this.recordGone(client, [original]);
      }
    }
    const row = toRow(message);
    const newest = (await client.query<{ created_ms: string }>(SQL.newest)).rows.at(0);
    if (message.id <= Number(state.highest_id) || (newest && row.created_ms < Number(newest.created_ms))) {
      throw new Error(`message ${message.id} is out of order`);
    }
    await client.query(SQL.insert, [row.id, row.author, row.text, row.created_ms, row.client_msg_id]);
    const { rows } = await client.query<{ stored: string }>(SQL.recordAppend, [message.id]);
    const over = Number(rows[0].stored) - this.maxMessages;
    if (over > 0)
      await this.recordGone(client, (await client.query<{ id: string }>(SQL.deleteOldest, [over])).rows);
    return { message, created: true };
  }

  /** Books deleted rows in `store_state`; returns how many. */
  private async recordGone(client: pg.PoolClient, rows: { id: string }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const highest = rows.reduce((max, row) => Math.max(max, Number(row.id)), 0);
    await client.query(SQL.recordGone, [highest, rows.length]);
    return rows.length;
  }

  /**
   * Runs `fn` in a transaction on one connection, after locking the `store_state` row. Every writer takes that lock
   * first, so writers from any connection or process run one after another and never deadlock on message rows.
   */
  private write<T>(fn: (client: pg.PoolClient, state: LockedState) => Promise<T>): Promise<T> {
    return transaction(this.pool, async (client) => {
      const { rows } = await client.query<LockedState>(SQL.lockState);
      return fn(client, rows[0]);
    });
  }
}

function fromPg(row: PgMessageRow): Message {
  return toMessage({ ...row, id: Number(row.id), created_ms: Number(row.created_ms) });
}

/** A page from rows read newest first with one extra row that tells whether older ones exist. */
function newestFirstPage(rows: PgMessageRow[], limit: number, hasNewer: boolean): MessagePage {
  return { messages: rows.slice(0, limit).reverse().map(fromPg), hasOlder: rows.length > limit, hasNewer };
}
