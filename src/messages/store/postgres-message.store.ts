import { Logger } from '@nestjs/common';
import pg from 'pg';
import { foldText } from '../../search/fold.js';
import { type SearchFilter, type SearchTerm, matchesText } from '../../search/search-filter.js';
import type { Message, MessagePage } from '../message.js';
import { MESSAGE_COLUMNS, type MessageRow, toMessage, toRow } from './message-row.js';
import { EVICTION_BATCH, MessageStore, placeAfter } from './message-store.js';
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

interface PgSearchRow extends PgMessageRow {
  search: string;
}

/** `store_state` as read under its row lock; the highest id ever stored does not change until the lock is released. */
interface LockedState {
  highest_id: string;
}

/** A deleted row, as the deleting statements return it. */
interface Gone {
  id: string;
  channel: string;
}

const SELECT = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
/**
 * Ids and creation times ascend together (across channels), so the retained messages are those from the oldest
 * retained id on: every page is one range of the (channel, id) index. `$1` is `notBefore`, `$2` the channel.
 */
const RETAINED = 'id >= (SELECT id FROM messages WHERE created_ms >= $1 ORDER BY created_ms, id LIMIT 1)';
const IN_CHANNEL = `channel = $2 AND ${RETAINED}`;

const SQL = {
  lastId: 'SELECT highest_id FROM store_state',
  lockState: 'SELECT highest_id FROM store_state FOR UPDATE',
  newest: 'SELECT created_ms FROM messages ORDER BY id DESC LIMIT 1',
  bounds:
    `SELECT (SELECT id FROM messages WHERE ${IN_CHANNEL} ORDER BY id LIMIT 1) AS oldest_id, ` +
    `(SELECT id FROM messages WHERE ${IN_CHANNEL} ORDER BY id DESC LIMIT 1) AS newest_id`,
  // Per channel, as SqliteMessageStore.lastGoneId: the newest expired message and the highest id deleted; one
  // statement, so a stream with many channels costs one round trip.
  lastGoneId:
    'SELECT COALESCE(max(GREATEST(s.highest_gone_id, e.id)), 0) AS id FROM unnest($2::text[]) AS c (channel) ' +
    'LEFT JOIN channel_state AS s ON s.channel = c.channel ' +
    'LEFT JOIN LATERAL (SELECT id FROM messages WHERE channel = c.channel AND created_ms < $1 ' +
    'ORDER BY created_ms DESC, id DESC LIMIT 1) AS e ON TRUE',
  byClientMsgId: `${SELECT} WHERE author = $1 AND client_msg_id = $2`,
  latest: `${SELECT} WHERE ${IN_CHANNEL} ORDER BY id DESC LIMIT $3`,
  before: `${SELECT} WHERE ${IN_CHANNEL} AND id < $3 ORDER BY id DESC LIMIT $4`,
  after: `${SELECT} WHERE ${IN_CHANNEL} AND id > $3 ORDER BY id LIMIT $4`,
  afterIn: `${SELECT} WHERE channel = ANY($2) AND ${RETAINED} AND id > $3 ORDER BY id LIMIT $4`,
  afterAny: `${SELECT} WHERE ${RETAINED} AND id > $2 ORDER BY id LIMIT $3`,
  countAfter: `SELECT count(*) AS n FROM messages WHERE ${IN_CHANNEL} AND id > $3`,
  insert:
    'INSERT INTO messages (id, channel, author, text, created_ms, client_msg_id, search) ' +
    'VALUES ($1, $2, $3, $4, $5, $6, $7)',
  // Rows of schemas before search (v4) have an empty `search`; `$1` is the last id folded.
  unfolded: "SELECT id, text FROM messages WHERE search = '' AND id > $1 ORDER BY id LIMIT $2",
  fold:
    'UPDATE messages AS m SET search = f.search FROM unnest($1::bigint[], $2::text[]) AS f (id, search) ' +
    'WHERE m.id = f.id',
  deleteById: 'DELETE FROM messages WHERE id = $1',
  deleteOldestIn:
    'DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE channel = $1 ORDER BY id LIMIT $2) ' +
    'RETURNING id, channel',
  deleteExpired:
    'DELETE FROM messages WHERE id IN ' +
    '(SELECT id FROM messages WHERE created_ms < $1 ORDER BY created_ms, id LIMIT $2) RETURNING id, channel',
  recordAppend: 'UPDATE store_state SET highest_id = $1, stored = stored + 1',
  countInChannel:
    'INSERT INTO channel_state VALUES ($1, 1, 0) ' +
    'ON CONFLICT (channel) DO UPDATE SET stored = channel_state.stored + 1 RETURNING stored',
  recordGone: 'UPDATE store_state SET highest_gone_id = GREATEST(highest_gone_id, $1), stored = stored - $2',
  // The rows of a batch grouped by channel (as SqliteMessageStore.recordGone groups them), booked in one statement.
  recordGoneIn:
    'UPDATE channel_state AS s SET highest_gone_id = GREATEST(s.highest_gone_id, g.highest), ' +
    'stored = s.stored - g.gone FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS g (channel, highest, gone) ' +
    'WHERE s.channel = g.channel',
} as const;

/**
 * Messages in PostgreSQL through a `pg.Pool`, with the schema and queries of SqliteMessageStore: every read but
 * `search` is an index range of O(log n + page). Several instances may share one database: every write first locks the
 * single `store_state` row, so appends, count-cap drops and eviction runs serialize across connections and processes.
 */
export class PostgresMessageStore extends MessageStore {
  private static readonly logger = new Logger(PostgresMessageStore.name);
  private closing?: Promise<void>;
  /** Appends waiting for the next transaction, in call order (group commit). */
  private queued: QueuedAppend[] = [];
  private flushing = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly maxMessages: number,
  ) {
    super();
  }

  /** Connects, applies pending migrations and returns the store. */
  static async open(options: PostgresOptions): Promise<PostgresMessageStore> {
    const store = new PostgresMessageStore(
      await openPostgres(options.url, options.poolSize),
      options.maxMessages,
    );
    try {
      await store.foldUnfolded();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async lastId(): Promise<number> {
    const { rows } = await this.pool.query<{ highest_id: string }>(SQL.lastId);
    return Number(rows[0].highest_id);
  }

  /**
   * Appends run one after another in call order: MessagesService numbers messages in the order it calls this, and
   * on a pool a later transaction could otherwise commit first and make the earlier id out of order.
   */
  /**
   * Group commit: the appends made while a transaction runs go together, in call order, into the next one (at most
   * APPEND_BATCH), so that a burst pays for one lock, one commit and one WAL flush per batch, not per message. A
   * failing transaction fails every append of its batch.
   */
  append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }> {
    return new Promise((resolve, reject) => {
      this.queued.push({ message, notBefore, resolve, reject });
      if (!this.flushing) void this.flush();
    });
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

  async latest(channel: string, limit: number, notBefore: number): Promise<MessagePage> {
    const { rows } = await this.pool.query<PgMessageRow>(SQL.latest, [notBefore, channel, limit + 1]);
    return newestFirstPage(rows, limit, false);
  }

  // The page and the bounds are two statements, run side by side: a write between them can leave a flag as stale as
  // it would be one read later, and the next page corrects it.
  async before(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const [{ rows }, { newestId }] = await Promise.all([
      this.pool.query<PgMessageRow>(SQL.before, [notBefore, channel, id, limit + 1]),
      this.bounds(channel, notBefore),
    ]);
    return newestFirstPage(rows, limit, newestId !== null && newestId >= id);
  }

  async after(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const [{ rows }, { oldestId }] = await Promise.all([
      this.pool.query<PgMessageRow>(SQL.after, [notBefore, channel, id, limit + 1]),
      this.bounds(channel, notBefore),
    ]);
    return {
      messages: rows.slice(0, limit).map(fromPg),
      hasOlder: oldestId !== null && oldestId <= id,
      hasNewer: rows.length > limit,
    };
  }

  async afterAny(id: number, limit: number, notBefore: number): Promise<Message[]> {
    const { rows } = await this.pool.query<PgMessageRow>(SQL.afterAny, [notBefore, id, limit]);
    return rows.map(fromPg);
  }

  async afterIn(
    channels: readonly string[],
    id: number,
    limit: number,
    notBefore: number,
  ): Promise<MessagePage> {
    const { rows } = await this.pool.query<PgMessageRow>(SQL.afterIn, [notBefore, channels, id, limit + 1]);
    return { messages: rows.slice(0, limit).map(fromPg), hasOlder: false, hasNewer: rows.length > limit };
  }

  async bounds(
    channel: string,
    notBefore: number,
  ): Promise<{ oldestId: number | null; newestId: number | null }> {
    const { rows } = await this.pool.query<{ oldest_id: string | null; newest_id: string | null }>(
      SQL.bounds,
      [notBefore, channel],
    );
    const { oldest_id, newest_id } = rows[0];
    return {
      oldestId: oldest_id === null ? null : Number(oldest_id),
      newestId: newest_id === null ? null : Number(newest_id),
    };
  }

  async countAfter(channel: string, id: number, notBefore: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(SQL.countAfter, [notBefore, channel, id]);
    return Number(rows[0].n);
  }

  async lastGoneId(channels: readonly string[], notBefore: number): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(SQL.lastGoneId, [notBefore, channels]);
    return Number(rows[0].id);
  }

  /**
   * One query per batch, newest first: the LIKEs narrow to a superset of the matches (exact for substrings, and the
   * trigram index serves them from 3 characters on), `matchesText` keeps the exact ones. A batch of whole-word
   * candidates that mostly fail the check is followed by a twice larger one below it, until `limit` match: a short
   * word that is common inside longer ones (`ex`) then costs a few dozen queries, not one per hundred rows.
   */
  async search(filter: SearchFilter, limit: number, notBefore: number): Promise<Message[]> {
    let batch = Math.max(limit, SEARCH_BATCH);
    const found: Message[] = [];
    let beforeId = filter.beforeId;
    for (;;) {
      const { sql, params } = searchQuery(filter, notBefore, beforeId, batch);
      const { rows } = await this.pool.query<PgSearchRow>(sql, params);
      for (const row of rows) {
        if (!matchesText(filter, row.search)) continue;
        found.push(fromPg(row));
        if (found.length === limit) return found;
      }
      if (rows.length < batch) return found;
      beforeId = Number(rows[rows.length - 1].id);
      batch = Math.min(batch * 2, MAX_SEARCH_BATCH);
    }
  }

  async evict(notBefore: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.write(async (client) => {
        const { rows } = await client.query<Gone>(SQL.deleteExpired, [notBefore, EVICTION_BATCH]);
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

  /**
   * Folds the text of rows stored before the search migration (their `search` is empty), a batch per transaction
   * under the write lock; on a database without such rows this is one pass over the table without an index.
   */
  private async foldUnfolded(): Promise<void> {
    let lastId = 0;
    let folded = 0;
    for (;;) {
      const rows = await this.write(async (client) => {
        const { rows } = await client.query<{ id: string; text: string }>(SQL.unfolded, [lastId, FOLD_BATCH]);
        // Text of only backticks folds to '' and stays so; the id cursor steps over it.
        const changed = rows
          .map((row) => ({ id: row.id, search: foldText(row.text) }))
          .filter((r) => r.search !== '');
        if (changed.length > 0) {
          await client.query(SQL.fold, [changed.map((r) => r.id), changed.map((r) => r.search)]);
        }
        folded += changed.length;
        return rows;
      });
      if (rows.length < FOLD_BATCH) break;
      lastId = Number(rows[rows.length - 1].id);
    }
    if (folded > 0) PostgresMessageStore.logger.log(`folded the text of ${folded} messages for search`);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, APPEND_BATCH);
      try {
        const results = await this.write(async (client, state) => {
          const appended: { message: Message; created: boolean }[] = [];
          for (const { message, notBefore } of batch) {
            const result = await this.appendLocked(client, state, message, notBefore);
            if (result.created) state.highest_id = String(result.message.id);
            appended.push(result);
          }
          return appended;
        });
        batch.forEach((queued, i) => queued.resolve(results[i]));
      } catch (error) {
        for (const queued of batch) queued.reject(error as Error);
      }
    }
    this.flushing = false;
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
    const newest = (await client.query<{ created_ms: string }>(SQL.newest)).rows.at(0);
    message = placeAfter(message, Number(state.highest_id), Number(newest?.created_ms ?? 0));
    const row = toRow(message);
    await client.query(SQL.insert, [
      row.id,
      row.channel,
      row.author,
      row.text,
      row.created_ms,
      row.client_msg_id,
      foldText(message.text),
    ]);
    await client.query(SQL.recordAppend, [message.id]);
    const { rows } = await client.query<{ stored: string }>(SQL.countInChannel, [message.channel]);
    const over = Number(rows[0].stored) - this.maxMessages;
    if (over > 0)
      await this.recordGone(
        client,
        (await client.query<Gone>(SQL.deleteOldestIn, [message.channel, over])).rows,
      );
    return { message, created: true };
  }

  /** Books deleted rows in `store_state` and `channel_state`; returns how many. */
  private async recordGone(client: pg.PoolClient, rows: Gone[]): Promise<number> {
    if (rows.length === 0) return 0;
    const byChannel = new Map<string, { highest: number; gone: number }>();
    for (const row of rows) {
      const booked = byChannel.get(row.channel) ?? { highest: 0, gone: 0 };
      byChannel.set(row.channel, {
        highest: Math.max(booked.highest, Number(row.id)),
        gone: booked.gone + 1,
      });
    }
    const channels = [...byChannel.keys()];
    const booked = [...byChannel.values()];
    await client.query(SQL.recordGoneIn, [channels, booked.map((b) => b.highest), booked.map((b) => b.gone)]);
    await client.query(SQL.recordGone, [Math.max(...booked.map((b) => b.highest)), rows.length]);
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

/** The most appends one transaction takes (group commit). */
const APPEND_BATCH = 100;

interface QueuedAppend {
  message: Message;
  notBefore: number;
  resolve: (result: { message: Message; created: boolean }) => void;
  reject: (error: Error) => void;
}

/** Rows the first query of a search reads at least: more than a page, so whole-word terms rarely need a second. */
const SEARCH_BATCH = 100;
/** The most rows one query of a search reads (texts of up to 4000 characters, twice with `search`). */
const MAX_SEARCH_BATCH = 1600;
/** Rows of an older schema folded per transaction when the store opens. */
const FOLD_BATCH = 1000;

/** A term as a LIKE pattern; backslash is PostgreSQL's default LIKE escape. */
const likePattern = (term: SearchTerm) => `%${term.text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * The SQL of one search batch: the newest `batch` retained rows of the channels below `beforeId` that pass the other
 * parts of `filter` and contain every term (a superset for whole-word terms; `matchesText` decides).
 */
function searchQuery(
  filter: SearchFilter,
  notBefore: number,
  beforeId: number | undefined,
  batch: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  // RETAINED with the later of notBefore and `since`: ids and creation times ascend together.
  const since = Math.max(notBefore, filter.sinceMs ?? notBefore);
  const where = [
    `channel = ANY(${param(filter.channels)})`,
    `id >= (SELECT id FROM messages WHERE created_ms >= ${param(since)} ORDER BY created_ms, id LIMIT 1)`,
  ];
  if (beforeId !== undefined) where.push(`id < ${param(beforeId)}`);
  // `until` as an upper id bound too, so that a walk newest first starts there, not at the newest message.
  if (filter.untilMs !== undefined) {
    where.push(
      `id < COALESCE((SELECT id FROM messages WHERE created_ms >= ${param(filter.untilMs)} ` +
        'ORDER BY created_ms, id LIMIT 1), 9223372036854775807)',
    );
  }
  if (filter.authors.length > 0) where.push(`author = ANY(${param(filter.authors)})`);
  for (const term of filter.include) where.push(`search LIKE ${param(likePattern(term))}`);
  for (const term of filter.exclude) {
    if (!term.wholeWord) where.push(`search NOT LIKE ${param(likePattern(term))}`);
  }
  if (filter.hasLink) where.push("(search LIKE '%http://%' OR search LIKE '%https://%')");
  return {
    sql:
      `SELECT ${MESSAGE_COLUMNS}, search FROM messages WHERE ${where.join(' AND ')} ` +
      `ORDER BY id DESC LIMIT ${param(batch)}`,
    params,
  };
}

function fromPg(row: PgMessageRow): Message {
  return toMessage({ ...row, id: Number(row.id), created_ms: Number(row.created_ms) });
}

/** A page from rows read newest first with one extra row that tells whether older ones exist. */
function newestFirstPage(rows: PgMessageRow[], limit: number, hasNewer: boolean): MessagePage {
  return { messages: rows.slice(0, limit).reverse().map(fromPg), hasOlder: rows.length > limit, hasNewer };
}
