import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { foldText } from '../../search/fold.js';
import { type SearchFilter, type SearchTerm, matchesText } from '../../search/search-filter.js';
import type { Message, MessagePage } from '../message.js';
import { MESSAGE_COLUMNS, type MessageRow, toMessage, toRow } from './message-row.js';
import { EVICTION_BATCH, MessageStore, placeAfter } from './message-store.js';
import { openSqlite, type SqliteSynchronous } from '../../storage/sqlite.js';

interface State {
  highest_id: number;
}

/** A deleted row, as the deleting statements return it. */
interface Gone {
  id: number;
  channel: string;
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
  /** The statements of the search query shapes seen so far (a few dozen at most: one per combination of parts). */
  private readonly searches = new Map<string, Database.Statement<unknown[], SearchRow>>();

  constructor(options: SqliteOptions) {
    super();
    this.maxMessages = options.maxMessages;
    this.db = openSqlite(options.path, options.synchronous);
    const db = this.db;
    const select = `SELECT ${MESSAGE_COLUMNS} FROM messages`;
    // Ids and creation times ascend together (across channels), so the retained messages are those from the oldest
    // retained id on: every page is one range of the (channel, id) index.
    const retained =
      'id >= (SELECT id FROM messages WHERE created_ms >= @nb ORDER BY created_ms, id LIMIT 1)';
    const inChannel = `channel = @channel AND ${retained}`;
    this.sql = {
      state: db.prepare<[], State>('SELECT highest_id FROM store_state'),
      newest: db.prepare<[], MessageRow>(`${select} ORDER BY id DESC LIMIT 1`),
      byClientMsgId: db.prepare<[string, string], MessageRow>(
        `${select} WHERE author = ? AND client_msg_id = ?`,
      ),
      latest: db.prepare<[Params], MessageRow>(`${select} WHERE ${inChannel} ORDER BY id DESC LIMIT @limit`),
      before: db.prepare<[Params], MessageRow>(
        `${select} WHERE ${inChannel} AND id < @id ORDER BY id DESC LIMIT @limit`,
      ),
      after: db.prepare<[Params], MessageRow>(
        `${select} WHERE ${inChannel} AND id > @id ORDER BY id LIMIT @limit`,
      ),
      afterIn: db.prepare<[{ nb: number; channels: string; id: number; limit: number }], MessageRow>(
        `${select} WHERE channel IN (SELECT value FROM json_each(@channels)) AND ${retained} AND id > @id ` +
          'ORDER BY id LIMIT @limit',
      ),
      afterAny: db.prepare<[{ nb: number; id: number; limit: number }], MessageRow>(
        `${select} WHERE ${retained} AND id > @id ORDER BY id LIMIT @limit`,
      ),
      oldestIn: db.prepare<[Params], { id: number }>(
        `SELECT id FROM messages WHERE ${inChannel} ORDER BY id LIMIT 1`,
      ),
      newestIn: db.prepare<[Params], { id: number }>(
        `SELECT id FROM messages WHERE ${inChannel} ORDER BY id DESC LIMIT 1`,
      ),
      countAfter: db.prepare<[Params], { n: number }>(
        `SELECT count(*) AS n FROM messages WHERE ${inChannel} AND id > @id`,
      ),
      newestExpiredIn: db.prepare<[Params], { id: number }>(
        'SELECT id FROM messages WHERE channel = @channel AND created_ms < @nb ' +
          'ORDER BY created_ms DESC, id DESC LIMIT 1',
      ),
      channelState: db.prepare<[string], { highest_gone_id: number }>(
        'SELECT highest_gone_id FROM channel_state WHERE channel = ?',
      ),
      insert: db.prepare<[SearchRow]>(
        'INSERT INTO messages (id, channel, author, text, created_ms, client_msg_id, search) ' +
          'VALUES (@id, @channel, @author, @text, @created_ms, @client_msg_id, @search)',
      ),
      deleteById: db.prepare<[number]>('DELETE FROM messages WHERE id = ?'),
      deleteOldestIn: db.prepare<[string, number], Gone>(
        'DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE channel = ? ORDER BY id LIMIT ?) ' +
          'RETURNING id, channel',
      ),
      deleteExpired: db.prepare<[number, number], Gone>(
        'DELETE FROM messages WHERE id IN ' +
          '(SELECT id FROM messages WHERE created_ms < ? ORDER BY created_ms, id LIMIT ?) RETURNING id, channel',
      ),
      recordAppend: db.prepare<[number]>('UPDATE store_state SET highest_id = ?, stored = stored + 1'),
      countInChannel: db.prepare<[string], { stored: number }>(
        'INSERT INTO channel_state VALUES (?, 1, 0) ' +
          'ON CONFLICT (channel) DO UPDATE SET stored = stored + 1 RETURNING stored',
      ),
      recordGone: db.prepare<[number, number]>(
        'UPDATE store_state SET highest_gone_id = max(highest_gone_id, ?), stored = stored - ?',
      ),
      recordGoneIn: db.prepare<[number, number, string]>(
        'UPDATE channel_state SET highest_gone_id = max(highest_gone_id, ?), stored = stored - ? WHERE channel = ?',
      ),
    };
    this.foldUnfolded();
  }

  lastId(): Promise<number> {
    return Promise.resolve(this.sql.state.get()!.highest_id);
  }

  append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }> {
    // The executor turns a throw into a rejection, as the async stores report it.
    return new Promise((resolve) =>
      resolve(this.db.transaction(() => this.appendNow(message, notBefore)).immediate()),
    );
  }

  findByClientMsgId(user: string, clientMsgId: string, notBefore: number): Promise<Message | undefined> {
    const row = this.sql.byClientMsgId.get(user, clientMsgId);
    return Promise.resolve(row && row.created_ms >= notBefore ? toMessage(row) : undefined);
  }

  latest(channel: string, limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.latest.all({ channel, nb: notBefore, limit: limit + 1 });
    return Promise.resolve(newestFirstPage(rows, limit, false));
  }

  before(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.before.all({ channel, nb: notBefore, id, limit: limit + 1 });
    const newest = this.sql.newestIn.get({ channel, nb: notBefore });
    return Promise.resolve(newestFirstPage(rows, limit, newest !== undefined && newest.id >= id));
  }

  after(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.after.all({ channel, nb: notBefore, id, limit: limit + 1 });
    const oldest = this.sql.oldestIn.get({ channel, nb: notBefore });
    return Promise.resolve({
      messages: rows.slice(0, limit).map(toMessage),
      hasOlder: oldest !== undefined && oldest.id <= id,
      hasNewer: rows.length > limit,
    });
  }

  afterIn(channels: readonly string[], id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const rows = this.sql.afterIn.all({
      channels: JSON.stringify(channels),
      nb: notBefore,
      id,
      limit: limit + 1,
    });
    return Promise.resolve({
      messages: rows.slice(0, limit).map(toMessage),
      hasOlder: false,
      hasNewer: rows.length > limit,
    });
  }

  afterAny(id: number, limit: number, notBefore: number): Promise<Message[]> {
    return Promise.resolve(this.sql.afterAny.all({ nb: notBefore, id, limit }).map(toMessage));
  }

  bounds(channel: string, notBefore: number): Promise<{ oldestId: number | null; newestId: number | null }> {
    const at = { channel, nb: notBefore };
    return Promise.resolve({
      oldestId: this.sql.oldestIn.get(at)?.id ?? null,
      newestId: this.sql.newestIn.get(at)?.id ?? null,
    });
  }

  countAfter(channel: string, id: number, notBefore: number): Promise<number> {
    return Promise.resolve(this.sql.countAfter.get({ channel, nb: notBefore, id })!.n);
  }

  lastGoneId(channels: readonly string[], notBefore: number): Promise<number> {
    let highest = 0;
    for (const channel of channels) {
      const expired = this.sql.newestExpiredIn.get({ channel, nb: notBefore })?.id ?? 0;
      const gone = this.sql.channelState.get(channel)?.highest_gone_id ?? 0;
      highest = Math.max(highest, expired, gone);
    }
    return Promise.resolve(highest);
  }

  /**
   * Narrows with the trigram index when the query has a substring of 3+ characters (or has:link), else with the word
   * index when it has a 1–2 letter word, else walks the messages newest first; then checks each candidate's folded
   * text exactly. Rows come newest first from the index itself, so a query stops after `limit` matches.
   */
  search(filter: SearchFilter, limit: number, notBefore: number): Promise<Message[]> {
    const { sql, params } = searchQuery(filter, notBefore);
    let statement = this.searches.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], SearchRow>(sql);
      this.searches.set(sql, statement);
    }
    const found: Message[] = [];
    for (const row of statement.iterate(...params)) {
      if (!matchesText(filter, row.search)) continue;
      found.push(toMessage(row));
      if (found.length === limit) break;
    }
    return Promise.resolve(found);
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

  /**
   * Folds the text of rows stored before the search migration (their `search` is empty) and rebuilds the search
   * indexes from them; on a database without such rows this is one indexless look at rows with empty `search`.
   */
  private foldUnfolded(): void {
    const unfolded = this.db
      .prepare<[], { id: number; text: string }>("SELECT id, text FROM messages WHERE search = ''")
      .all()
      .map(({ id, text }) => ({ id, search: foldText(text) }))
      .filter(({ search }) => search !== '');
    if (unfolded.length === 0) return;
    const update = this.db.prepare<[{ id: number; search: string }]>(
      'UPDATE messages SET search = @search WHERE id = @id',
    );
    this.db.transaction(() => {
      for (const row of unfolded) update.run(row);
      this.db.exec("INSERT INTO message_trigrams (message_trigrams) VALUES ('rebuild')");
      this.db.exec("INSERT INTO message_words (message_words) VALUES ('rebuild')");
    })();
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
    const newestAt = this.sql.newest.get()?.created_ms ?? 0;
    message = placeAfter(message, this.sql.state.get()!.highest_id, newestAt);
    this.sql.insert.run({ ...toRow(message), search: foldText(message.text) });
    this.sql.recordAppend.run(message.id);
    const over = this.sql.countInChannel.get(message.channel)!.stored - this.maxMessages;
    if (over > 0) this.recordGone(this.sql.deleteOldestIn.all(message.channel, over));
    return { message, created: true };
  }

  /** Books deleted rows in `store_state` and `channel_state`; returns how many. */
  private recordGone(rows: Gone[]): number {
    if (rows.length === 0) return 0;
    const byChannel = new Map<string, Gone[]>();
    for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
    for (const [channel, gone] of byChannel) this.sql.recordGoneIn.run(highestId(gone), gone.length, channel);
    this.sql.recordGone.run(highestId(rows), rows.length);
    return rows.length;
  }
}

function highestId(rows: Gone[]): number {
  return rows.reduce((highest, row) => Math.max(highest, row.id), 0);
}

interface SearchRow extends MessageRow {
  search: string;
}

/** The first id created at or after a time (`?`): the bound of `since`, `until` and retention in id terms. */
const FIRST_ID_FROM = 'SELECT id FROM messages WHERE created_ms >= ? ORDER BY created_ms, id LIMIT 1';
const MAX_ID = '9223372036854775807';
const SEARCH_COLUMNS = 'm.id, m.channel, m.author, m.text, m.created_ms, m.client_msg_id, m.search';

/** A term as an FTS5 string: quoted, so that its characters are never query syntax. */
const ftsString = (term: SearchTerm) => `"${term.text.replaceAll('"', '""')}"`;
/** A term as a LIKE pattern (with ESCAPE '\'). */
const likePattern = (term: SearchTerm) => `%${term.text.replace(/[\\%_]/g, '\\$&')}%`;
const hasTrigrams = (term: SearchTerm) => !term.wholeWord && [...term.text].length >= 3;

/** The SQL of a search and its parameters (see `search`). */
function searchQuery(filter: SearchFilter, notBefore: number): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  const trigrams = filter.include.filter(hasTrigrams).map(ftsString);
  if (filter.hasLink) trigrams.push('("http://" OR "https://")');
  const words = filter.include.filter((t) => t.wholeWord).map(ftsString);
  // CROSS JOIN keeps the index as the outer loop: its rowids come newest first and stop the walk early.
  let from = 'messages m';
  let id = 'm.id';
  if (trigrams.length > 0) {
    from = 'message_trigrams f CROSS JOIN messages m ON m.id = f.rowid';
    id = 'f.rowid';
    add('message_trigrams MATCH ?', trigrams.join(' AND '));
  } else if (words.length > 0) {
    from = 'message_words f CROSS JOIN messages m ON m.id = f.rowid';
    id = 'f.rowid';
    add('message_words MATCH ?', words.join(' AND '));
  }
  // Times as id bounds (ids and creation times ascend together), which the indexes' rowid order serves. The other
  // filters are checked row by row (`+` keeps SQLite from choosing their indexes, which would read every match and
  // sort it): the walk newest first stops after a page.
  add(`${id} >= (${FIRST_ID_FROM})`, Math.max(notBefore, filter.sinceMs ?? notBefore));
  if (filter.untilMs !== undefined) add(`${id} < coalesce((${FIRST_ID_FROM}), ${MAX_ID})`, filter.untilMs);
  if (filter.beforeId !== undefined) add(`${id} < ?`, filter.beforeId);
  add('+m.channel IN (SELECT value FROM json_each(?))', JSON.stringify(filter.channels));
  if (filter.authors.length > 0)
    add('+m.author IN (SELECT value FROM json_each(?))', JSON.stringify(filter.authors));
  for (const term of filter.include.filter((t) => !hasTrigrams(t))) {
    add("m.search LIKE ? ESCAPE '\\'", likePattern(term));
  }
  for (const term of filter.exclude.filter((t) => !t.wholeWord)) {
    add("m.search NOT LIKE ? ESCAPE '\\'", likePattern(term));
  }
  return {
    sql: `SELECT ${SEARCH_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${id} DESC`,
    params,
  };
}

/** Named parameters of the per-channel statements: `nb` is notBefore. */
interface Params {
  channel: string;
  nb: number;
  id?: number;
  limit?: number;
}

/** A page from rows read newest first with one extra row that tells whether older ones exist. */
function newestFirstPage(rows: MessageRow[], limit: number, hasNewer: boolean): MessagePage {
  return { messages: rows.slice(0, limit).reverse().map(toMessage), hasOlder: rows.length > limit, hasNewer };
}
