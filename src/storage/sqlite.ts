import Database from 'better-sqlite3';
import { migrationsFor, pendingMigrations } from './migrations.js';

export type SqliteSynchronous = 'NORMAL' | 'FULL';

/**
 * Opens the SQLite database at `path` for one store: WAL, the given `synchronous` (`NORMAL` survives a crash of the
 * process, `FULL` also a power loss), a busy timeout, and the schema migrated. Every store opens its own connection;
 * better-sqlite3 runs each transaction to completion in one call, so the connections of one process never wait on
 * each other.
 */
export function openSqlite(path: string, synchronous: SqliteSynchronous = 'NORMAL'): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies the pending migrations, each in an immediate transaction, and records them in `schema_migrations`. */
function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations ' +
      '(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const current = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  const record = db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)');
  for (const migration of pendingMigrations(current.get()!.v ?? 0, migrationsFor('sqlite'))) {
    db.transaction(() => {
      // Another connection may have applied it since the check above.
      if ((current.get()!.v ?? 0) >= migration.version) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}
