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

export type Dialect = 'sqlite' | 'postgres';

/** The migrations of each SQL store, oldest first. SQLite's `INTEGER PRIMARY KEY` is the rowid (64 bits). */
export function migrationsFor(dialect: Dialect): readonly Migration[] {
  return [{ version: 1, name: 'messages', sql: messagesV1(dialect === 'sqlite' ? 'INTEGER' : 'BIGINT') }];
}
