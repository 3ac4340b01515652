import type { UserRecord } from '../users-file.js';
import { type Account, type AccountChanges, fileAccount, type FileSync, UserStore } from './user-store.js';

/** Accounts in this process only (`STORE=memory`): signed-up users are gone at the next start. */
export class MemoryUserStore extends UserStore {
  private readonly accounts = new Map<string, Account>();

  list(): Promise<Account[]> {
    return Promise.resolve([...this.accounts.values()].map((a) => ({ ...a })));
  }

  syncFileUsers(users: readonly UserRecord[], nowMs: number): Promise<FileSync> {
    const inFile = new Set(users.map((u) => u.username));
    const replaced: string[] = [];
    for (const user of users) {
      const existing = this.accounts.get(user.username);
      if (existing?.source === 'signup') replaced.push(user.username);
      this.accounts.set(user.username, fileAccount(user, existing?.createdMs ?? nowMs));
    }
    const removed = [...this.accounts.values()]
      .filter((a) => a.source === 'file' && !inFile.has(a.username))
      .map((a) => a.username);
    for (const username of removed) this.accounts.delete(username);
    return Promise.resolve({ removed, replaced });
  }

  create(account: Account): Promise<boolean> {
    if (this.accounts.has(account.username)) return Promise.resolve(false);
    this.accounts.set(account.username, { ...account });
    return Promise.resolve(true);
  }

  update(username: string, changes: AccountChanges): Promise<Account | undefined> {
    const account = this.accounts.get(username);
    if (!account) return Promise.resolve(undefined);
    if (changes.displayName !== undefined) account.displayName = changes.displayName;
    if (changes.passwordHash !== undefined) account.passwordHash = changes.passwordHash;
    return Promise.resolve({ ...account });
  }

  pending(limit: number): Promise<Account[]> {
    const pending = [...this.accounts.values()]
      .filter((a) => a.status === 'pending')
      .sort((a, b) => a.createdMs - b.createdMs || (a.username < b.username ? -1 : 1));
    return Promise.resolve(pending.slice(0, limit).map((a) => ({ ...a })));
  }

  approve(username: string): Promise<Account | undefined> {
    const account = this.accounts.get(username);
    if (account?.status !== 'pending') return Promise.resolve(undefined);
    account.status = 'active';
    return Promise.resolve({ ...account });
  }

  deletePending(username: string): Promise<boolean> {
    if (this.accounts.get(username)?.status !== 'pending') return Promise.resolve(false);
    return Promise.resolve(this.accounts.delete(username));
  }
}
