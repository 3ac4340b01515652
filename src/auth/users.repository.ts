import { readFile } from 'node:fs/promises';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { parseUsersFile, UsersFileError, type User, type UserRecord } from './users-file.js';

/** The users of the user file, read and validated once at start. */
@Injectable()
export class UsersRepository implements OnModuleInit {
  private users = new Map<string, UserRecord>();
  private sorted: User[] = [];

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  /** Reads the file again; an invalid file throws and keeps the users loaded before. */
  async load(): Promise<void> {
    const text = await readFile(this.config.usersFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsersFileError(
        `${this.config.usersFile}: cannot read the user file (${error.code ?? error.message})`,
      );
    });
    const records = parseUsersFile(text, this.config.usersFile);
    this.users = new Map(records.map((r) => [r.username, r]));
    this.sorted = records
      .map(({ username, displayName }) => ({ username, displayName }))
      .sort((a, b) => (a.username < b.username ? -1 : 1));
  }

  find(username: string): UserRecord | undefined {
    return this.users.get(username);
  }

  /** The bcrypt cost factors in use. */
  costs(): number[] {
    return [...this.users.values()].map((u) => Number(u.passwordHash.slice(4, 6)));
  }

  list(): readonly User[] {
    return this.sorted;
  }
}
