import type Database from 'better-sqlite3';
import { openSqlite, type SqliteSynchronous } from '../../storage/sqlite.js';
import type { UserRecord } from '../users-file.js';
import { ACCOUNT_COLUMNS, type AccountRow, toAccount, toRow } from './account-row.js';
import { type Account, type AccountChanges, fileAccount, type FileSync, UserStore } from './user-store.js';

/** Accounts in the `users` table of the SQLite database the messages live in, through a connection of their own. */
export class SqliteUserStore extends UserStore {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(path: string, synchronous?: SqliteSynchronous) {
    super();
    this.db = openSqlite(path, synchronous);
    const db = this.db;
    const select = `SELECT ${ACCOUNT_COLUMNS} FROM users`;
    this.sql = {
      all: db.prepare<[], AccountRow>(select),
      sources: db.prepare<[], { username: string; source: string }>('SELECT username, source FROM users'),
      insert: db.prepare<[AccountRow]>(
        'INSERT INTO users (username, display_name, password_hash, role, status, source, created_ms) ' +
          'VALUES (@username, @display_name, @password_hash, @role, @status, @source, @created_ms) ' +
          'ON CONFLICT (username) DO NOTHING',
      ),
      upsertFileUser: db.prepare<[AccountRow]>(
        'INSERT INTO users (username, display_name, password_hash, role, status, source, created_ms) ' +
          'VALUES (@username, @display_name, @password_hash, @role, @status, @source, @created_ms) ' +
          'ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, ' +
          "password_hash = excluded.password_hash, role = excluded.role, status = 'active', source = 'file'",
      ),
      deleteFileUser: db.prepare<[string]>("DELETE FROM users WHERE username = ? AND source = 'file'"),
      update: db.prepare<[string | null, string | null, string], AccountRow>(
        'UPDATE users SET display_name = coalesce(?, display_name), password_hash = coalesce(?, password_hash) ' +
          `WHERE username = ? RETURNING ${ACCOUNT_COLUMNS}`,
      ),
      pending: db.prepare<[number], AccountRow>(
        `${select} WHERE status = 'pending' ORDER BY created_ms, username LIMIT ?`,
      ),
      approve: db.prepare<[string], AccountRow>(
        "UPDATE users SET status = 'active' WHERE username = ? AND status = 'pending' " +
          `RETURNING ${ACCOUNT_COLUMNS}`,
      ),
      deletePending: db.prepare<[string]>("DELETE FROM users WHERE username = ? AND status = 'pending'"),
    };
  }

  list(): Promise<Account[]> {
    return Promise.resolve(this.sql.all.all().map(toAccount));
  }

  syncFileUsers(users: readonly UserRecord[], nowMs: number): Promise<FileSync> {
    return new Promise((resolve) =>
      resolve(
        this.db
          .transaction(() => {
            const before = new Map(this.sql.sources.all().map((r) => [r.username, r.source]));
            const inFile = new Set(users.map((u) => u.username));
            for (const user of users) this.sql.upsertFileUser.run(toRow(fileAccount(user, nowMs)));
            const removed = [...before]
              .filter(([username, source]) => source === 'file' && !inFile.has(username))
              .map(([username]) => username);
            for (const username of removed) this.sql.deleteFileUser.run(username);
            const replaced = users.map((u) => u.username).filter((name) => before.get(name) === 'signup');
            return { removed, replaced };
          })
          .immediate(),
      ),
    );
  }

  create(account: Account): Promise<boolean> {
    return Promise.resolve(this.sql.insert.run(toRow(account)).changes === 1);
  }

  update(username: string, changes: AccountChanges): Promise<Account | undefined> {
    const row = this.sql.update.get(changes.displayName ?? null, changes.passwordHash ?? null, username);
    return Promise.resolve(row && toAccount(row));
  }

  pending(limit: number): Promise<Account[]> {
    return Promise.resolve(this.sql.pending.all(limit).map(toAccount));
  }

  approve(username: string): Promise<Account | undefined> {
    const row = this.sql.approve.get(username);
    return Promise.resolve(row && toAccount(row));
  }

  deletePending(username: string): Promise<boolean> {
    return Promise.resolve(this.sql.deletePending.run(username).changes === 1);
  }

  override close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
