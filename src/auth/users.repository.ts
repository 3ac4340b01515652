import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Bus } from '../bus/bus.js';
import { Clock } from '../common/clock.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import type { Account, AccountChanges } from './store/user-store.js';
import { UserStore } from './store/user-store.js';
import { parseUsersFile, UsersFileError, type User } from './users-file.js';

/**
 * The users: those of the user file and those who signed up, kept in the UserStore and mirrored here in memory, so
 * that `find` and `list` answer synchronously on hot paths. The copy is loaded at start and on `load` (SIGHUP), and
 * updated by every write made through this repository; instances sharing the store tell each other of every write
 * (the bus), and the others read the users again.
 */
@Injectable()
export class UsersRepository implements OnModuleInit {
  private readonly logger = new Logger(UsersRepository.name);
  private accounts = new Map<string, Account>();
  /** The active users sorted by username; rebuilt on the next `list` after a change. */
  private sorted: User[] | undefined;
  /** Writes and reloads run one after another, so that a reload never overwrites a write that finished during it. */
  private writes: Promise<unknown> = Promise.resolve();

  /** Told the username of every account changed, here or on another instance. */
  private readonly changeListeners: ((username: string) => void)[] = [];

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly store: UserStore,
    private readonly clock: Clock,
    private readonly bus: Bus,
  ) {
    bus.subscribe('users', async (username) => {
      await this.serially(() => this.readStore());
      for (const listener of this.changeListeners) listener(username);
    });
    bus.onReconnect(() => this.serially(() => this.readStore()));
  }

  onChange(listener: (username: string) => void): void {
    this.changeListeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    const removed = await this.load();
    if (removed.length > 0)
      this.logger.log(`removed users no longer in the user file: ${removed.join(', ')}`);
  }

  /**
   * Reads the user file and makes its users those of the store (an invalid file throws and changes nothing), then
   * reloads every user from the store. Returns the file users that are gone from the file, now deleted.
   */
  async load(): Promise<string[]> {
    const text = await readFile(this.config.usersFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsersFileError(
        `${this.config.usersFile}: cannot read the user file (${error.code ?? error.message})`,
      );
    });
    const records = parseUsersFile(text, this.config.usersFile);
    return this.serially(async () => {
      const { removed, replaced } = await this.store.syncFileUsers(records, this.clock.now());
      for (const username of replaced) {
        this.logger.warn(`user "${username}" of the user file replaces the signed-up user of the same name`);
      }
      await this.readStore();
      return removed;
    });
  }

  /** An active user; pending sign-ups are not users yet. */
  find(username: string): Account | undefined {
    const account = this.accounts.get(username);
    return account?.status === 'active' ? account : undefined;
  }

  /** Any account of that name, pending or active: for authentication, which must tell pending accounts apart. */
  findAccount(username: string): Account | undefined {
    return this.accounts.get(username);
  }

  isAdmin(username: string): boolean {
    return this.find(username)?.role === 'admin';
  }

  /** The bcrypt cost factors in use. */
  costs(): number[] {
    return [...this.accounts.values()].map((u) => Number(u.passwordHash.slice(4, 6)));
  }

  /** The active users, sorted by username. */
  list(): readonly User[] {
    this.sorted ??= [...this.accounts.values()]
      .filter((a) => a.status === 'active')
      .map(({ username, displayName }) => ({ username, displayName }))
      .sort((a, b) => (a.username < b.username ? -1 : 1));
    return this.sorted;
  }

  /** Adds an account unless the username is taken (in the store, which may know more than this copy). */
  create(account: Account): Promise<boolean> {
    return this.serially(async () => {
      const created = await this.store.create(account);
      if (created) await this.remember(account);
      return created;
    });
  }

  update(username: string, changes: AccountChanges): Promise<Account | undefined> {
    return this.serially(async () => {
      const account = await this.store.update(username, changes);
      if (account) await this.remember(account);
      return account;
    });
  }

  /** The oldest `limit` pending sign-ups, read from the store (so also those made through another instance). */
  pending(limit: number): Promise<Account[]> {
    return this.store.pending(limit);
  }

  approve(username: string): Promise<Account | undefined> {
    return this.serially(async () => {
      const account = await this.store.approve(username);
      if (account) await this.remember(account);
      return account;
    });
  }

  /** Deletes a pending sign-up; returns whether there was one. */
  deletePending(username: string): Promise<boolean> {
    return this.serially(async () => {
      const deleted = await this.store.deletePending(username);
      if (deleted) {
        this.accounts.delete(username);
        this.sorted = undefined;
        await this.bus.publish('users', username);
      }
      return deleted;
    });
  }

  /** Keeps a written account, and tells the other instances. */
  private async remember(account: Account): Promise<void> {
    this.accounts.set(account.username, account);
    this.sorted = undefined;
    await this.bus.publish('users', account.username);
  }

  private async readStore(): Promise<void> {
    this.accounts = new Map((await this.store.list()).map((a) => [a.username, a]));
    this.sorted = undefined;
  }

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write);
    this.writes = result.catch(() => undefined);
    return result;
  }
}
