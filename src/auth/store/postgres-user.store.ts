import type pg from 'pg';
import { openPostgres, transaction } from '../../storage/postgres.js';
import type { UserRecord } from '../users-file.js';
import { ACCOUNT_COLUMNS, type AccountRow, toAccount, toRow } from './account-row.js';
import { type Account, type AccountChanges, fileAccount, type FileSync, UserStore } from './user-store.js';

/**
 * Key of the transaction-scoped advisory lock under which instances refresh the file users one after another
 * ("chatus" in ASCII; the migrations use another key).
 */
const FILE_SYNC_LOCK = 0x63_68_61_74_75_73;

const INSERT =
  'INSERT INTO users (username, display_name, password_hash, role, status, source, created_ms) ' +
  'VALUES ($1, $2, $3, $4, $5, $6, $7)';

const SQL = {
  all: `SELECT ${ACCOUNT_COLUMNS} FROM users`,
  sources: 'SELECT username, source FROM users',
  insert: `${INSERT} ON CONFLICT (username) DO NOTHING`,
  upsertFileUser:
    `${INSERT} ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, ` +
    "password_hash = excluded.password_hash, role = excluded.role, status = 'active', source = 'file'",
  deleteFileUsers: "DELETE FROM users WHERE username = ANY($1) AND source = 'file'",
  update:
    'UPDATE users SET display_name = coalesce($1, display_name), password_hash = coalesce($2, password_hash) ' +
    `WHERE username = $3 RETURNING ${ACCOUNT_COLUMNS}`,
  pending: `SELECT ${ACCOUNT_COLUMNS} FROM users WHERE status = 'pending' ORDER BY created_ms, username LIMIT $1`,
  approve:
    "UPDATE users SET status = 'active' WHERE username = $1 AND status = 'pending' " +
    `RETURNING ${ACCOUNT_COLUMNS}`,
  deletePending: "DELETE FROM users WHERE username = $1 AND status = 'pending'",
};

const valuesOf = (row: AccountRow) => [
  row.username,
  row.display_name,
  row.password_hash,
  row.role,
  row.status,
  row.source,
  row.created_ms,
];

/**
 * Accounts in the `users` table of a PostgreSQL database, through a pool of their own. Several instances may share
 * the database: a username is taken by whichever insert commits first.
 */
export class PostgresUserStore extends UserStore {
  private closing?: Promise<void>;

  private constructor(private readonly pool: pg.Pool) {
    super();
  }

  /** Connects, applies pending migrations and returns the store. */
  static async open(url: string, poolSize?: number): Promise<PostgresUserStore> {
    return new PostgresUserStore(await openPostgres(url, poolSize));
  }

  async list(): Promise<Account[]> {
    return (await this.pool.query<AccountRow>(SQL.all)).rows.map(toAccount);
  }

  syncFileUsers(users: readonly UserRecord[], nowMs: number): Promise<FileSync> {
    return transaction(this.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${FILE_SYNC_LOCK})`);
      const { rows } = await client.query<{ username: string; source: string }>(SQL.sources);
      const before = new Map(rows.map((r) => [r.username, r.source]));
      const inFile = new Set(users.map((u) => u.username));
      for (const user of users) {
        await client.query(SQL.upsertFileUser, valuesOf(toRow(fileAccount(user, nowMs))));
      }
      const removed = [...before]
        .filter(([username, source]) => source === 'file' && !inFile.has(username))
        .map(([username]) => username);
      if (removed.length > 0) await client.query(SQL.deleteFileUsers, [removed]);
      const replaced = users.map((u) => u.username).filter((name) => before.get(name) === 'signup');
      return { removed, replaced };
    });
  }

  async create(account: Account): Promise<boolean> {
    return (await this.pool.query(SQL.insert, valuesOf(toRow(account)))).rowCount === 1;
  }

  async update(username: string, changes: AccountChanges): Promise<Account | undefined> {
    const { rows } = await this.pool.query<AccountRow>(SQL.update, [
      changes.displayName ?? null,
      changes.passwordHash ?? null,
      username,
    ]);
    return rows.map(toAccount).at(0);
  }

  async pending(limit: number): Promise<Account[]> {
    return (await this.pool.query<AccountRow>(SQL.pending, [limit])).rows.map(toAccount);
  }

  async approve(username: string): Promise<Account | undefined> {
    return (await this.pool.query<AccountRow>(SQL.approve, [username])).rows.map(toAccount).at(0);
  }

  async deletePending(username: string): Promise<boolean> {
    return (await this.pool.query(SQL.deletePending, [username])).rowCount === 1;
  }

  override close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
