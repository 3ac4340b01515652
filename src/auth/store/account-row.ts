import type { Role } from '../users-file.js';
import type { Account, AccountSource, AccountStatus } from './user-store.js';

/** The columns of `users` (migration 3) in the order the SQL stores select them. */
export const ACCOUNT_COLUMNS = 'username, display_name, password_hash, role, status, source, created_ms';

/** A row of `users`; PostgreSQL hands BIGINT back as a string. */
export interface AccountRow {
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  status: string;
  source: string;
  created_ms: number | string;
}

export function toAccount(row: AccountRow): Account {
  return {
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    // The stores write only these values; the table's TEXT columns cannot say so.
    role: row.role as Role,
    status: row.status as AccountStatus,
    source: row.source as AccountSource,
    createdMs: Number(row.created_ms),
  };
}

export function toRow(account: Account): AccountRow {
  return {
    username: account.username,
    display_name: account.displayName,
    password_hash: account.passwordHash,
    role: account.role,
    status: account.status,
    source: account.source,
    created_ms: account.createdMs,
  };
}
