import type { Role, UserRecord } from '../users-file.js';

/** `pending`: signed up in approval mode and not approved yet; such an account cannot use the API. */
export type AccountStatus = 'active' | 'pending';
/** Where an account comes from: the user file (refreshed from it at start and on SIGHUP) or a sign-up. */
export type AccountSource = 'file' | 'signup';

/** A user with everything the server keeps about them. */
export interface Account {
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  status: AccountStatus;
  source: AccountSource;
  /** When the account was made (for a sign-up: when it was requested), epoch ms. */
  createdMs: number;
}

/** What `syncFileUsers` changed beyond the file's own users. */
export interface FileSync {
  /** File users of the store that are no longer in the file, now deleted. */
  removed: string[];
  /** Signed-up users that a file user of the same name replaced. */
  replaced: string[];
}

/** The fields of an account its owner may change. */
export interface AccountChanges {
  displayName?: string;
  passwordHash?: string;
}

/**
 * The storage port of the users: the user file's and the signed-up ones, side by side in one table keyed by username.
 * The store is the authority on whether a username is taken; UsersRepository keeps a copy in memory for its reads.
 */
export abstract class UserStore {
  /** Every account. The repository loads them all: there is one row per person who may sign in. */
  abstract list(): Promise<Account[]>;

  /**
   * Makes the file users of the store exactly `users`, in one transaction: each is inserted or updated (name, hash,
   * role; status active, source file; a signed-up user of the same name is replaced), and file users missing from
   * `users` are deleted. Signed-up users of other names are left as they are.
   */
  abstract syncFileUsers(users: readonly UserRecord[], nowMs: number): Promise<FileSync>;

  /** Adds an account unless its username is taken; returns whether it was added. */
  abstract create(account: Account): Promise<boolean>;

  /** Changes an account; returns it as it is now, or undefined when there is no such account. */
  abstract update(username: string, changes: AccountChanges): Promise<Account | undefined>;

  /** The oldest `limit` pending accounts, oldest first. */
  abstract pending(limit: number): Promise<Account[]>;

  /** Makes a pending account active; returns it, or undefined when there is no such pending account. */
  abstract approve(username: string): Promise<Account | undefined>;

  /** Deletes a pending account; returns whether there was one. */
  abstract deletePending(username: string): Promise<boolean>;

  /** Releases the database connection, if any; called once at shutdown. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The account a file entry describes. */
export function fileAccount(user: UserRecord, createdMs: number): Account {
  return {
    username: user.username,
    displayName: user.displayName,
    passwordHash: user.passwordHash,
    role: user.role ?? 'user',
    status: 'active',
    source: 'file',
    createdMs,
  };
}
