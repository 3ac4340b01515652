/** One step of a store's schema, applied once, in order, inside a transaction, and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The migrations of `known` not yet applied to a schema at `current`. A schema newer than this build knows (a
 * downgrade after an upgrade migrated it) is refused: this build would misread it.
 */
export function pendingMigrations(current: number, known: readonly Migration[]): Migration[] {
  const newest = known.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `the database schema is version ${current}, newer than this build knows (${newest}); run a newer build`,
    );
  }
  return known.filter((m) => m.version > current);
}

/**
 * `messages` in id order (ids are chosen by MessagesService and ascend with creation time); `store_state` keeps what
 * the rows alone cannot: the highest id ever stored and the highest id ever deleted (so ids keep increasing and
 * resuming clients learn of a gap even when every row is gone), and the row count the count cap is checked against.
 */
const messagesV1 = (id: string) => `
  CREATE TABLE messages (
    id ${id} PRIMARY KEY,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    client_msg_id TEXT
  );
  CREATE INDEX messages_created_ms ON messages (created_ms);
  CREATE UNIQUE INDEX messages_client_msg_id ON messages (author, client_msg_id) WHERE client_msg_id IS NOT NULL;
  CREATE TABLE store_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    highest_id BIGINT NOT NULL,
    highest_gone_id BIGINT NOT NULL,
    stored BIGINT NOT NULL
  );
  INSERT INTO store_state VALUES (1, 0, 0, 0);
`;

/**
 * Channels and DMs (`kind`), their members with a role, per-user read markers, and a channel for every message: the
 * messages of a single-channel database all belong to `general`. `general` has no member rows: every user is in it.
 * `channel_state` keeps per channel what `store_state` keeps globally: the row count (the count cap is per channel)
 * and the highest id deleted.
 */
const CHANNELS_V2 = `
  CREATE TABLE channels (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    private BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_ms BIGINT NOT NULL
  );
  INSERT INTO channels VALUES ('general', 'channel', '', FALSE, 'system', 0);
  CREATE TABLE channel_members (
    channel TEXT NOT NULL REFERENCES channels (name) ON DELETE CASCADE,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (channel, username)
  );
  CREATE INDEX channel_members_username ON channel_members (username);
  CREATE TABLE read_markers (
    channel TEXT NOT NULL,
    username TEXT NOT NULL,
    last_read_id BIGINT NOT NULL,
    PRIMARY KEY (channel, username)
  );
  ALTER TABLE messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'general';
  CREATE INDEX messages_channel_id ON messages (channel, id);
  CREATE INDEX messages_channel_created_ms ON messages (channel, created_ms);
  CREATE TABLE channel_state (
    channel TEXT PRIMARY KEY,
    stored BIGINT NOT NULL,
    highest_gone_id BIGINT NOT NULL
  );
  INSERT INTO channel_state SELECT 'general', stored, highest_gone_id FROM store_state;
`;

/**
 * Users in the store: those of users.json (`source` file, refreshed from it at start and on SIGHUP) and those who
 * signed up (`source` signup; `status` pending until an admin approves them in approval mode).
 */
const USERS_V3 = `
  CREATE TABLE users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    created_ms BIGINT NOT NULL
  );
`;

/**
 * Search (API.md, Search): `search` holds the text folded by src/search/fold.ts, set by the store on insert (rows of
 * older schemas are folded, and the indexes rebuilt, when the store opens). SQLite indexes it twice, in FTS5 tables
 * that read their content from `messages` and are kept in step by triggers: trigrams (any substring of 3+
 * characters) and unicode61 words (for words of 1–2 letters, which have no trigram).
 */
const SEARCH_V4_SQLITE = `
  ALTER TABLE messages ADD COLUMN search TEXT NOT NULL DEFAULT '';
  CREATE VIRTUAL TABLE message_trigrams USING fts5
    (search, content = 'messages', content_rowid = 'id', tokenize = 'trigram');
  CREATE VIRTUAL TABLE message_words USING fts5
    (search, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0', detail = 'none');
  CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_trigrams (rowid, search) VALUES (new.id, new.search);
    INSERT INTO message_words (rowid, search) VALUES (new.id, new.search);
  END;
  CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_trigrams (message_trigrams, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO message_words (message_words, rowid, search) VALUES ('delete', old.id, old.search);
  END;
`;

/**
 * PostgreSQL indexes the folded text with pg_trgm's GIN operator class, which serves `LIKE '%…%'` for patterns of 3+
 * characters; `from:` walks an author's messages newest first on (author, id). The extension goes to `public` (a
 * schema dropped with the database's other objects would take it along), so the operator class is named with its
 * schema.
 */
const SEARCH_V4_POSTGRES = `
  CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
  ALTER TABLE messages ADD COLUMN search TEXT NOT NULL DEFAULT '';
  CREATE INDEX messages_search ON messages USING gin (search public.gin_trgm_ops);
  CREATE INDEX messages_author_id ON messages (author, id);
`;

export type Dialect = 'sqlite' | 'postgres';

/** The migrations of each SQL store, oldest first. SQLite's `INTEGER PRIMARY KEY` is the rowid (64 bits). */
export function migrationsFor(dialect: Dialect): readonly Migration[] {
  return [
    { version: 1, name: 'messages', sql: messagesV1(dialect === 'sqlite' ? 'INTEGER' : 'BIGINT') },
    { version: 2, name: 'channels', sql: CHANNELS_V2 },
    { version: 3, name: 'users', sql: USERS_V3 },
    { version: 4, name: 'search', sql: dialect === 'sqlite' ? SEARCH_V4_SQLITE : SEARCH_V4_POSTGRES },
  ];
}
