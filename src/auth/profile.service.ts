import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { AuthService } from './auth.service.js';
import { PasswordStrength } from './password-strength.js';
import type { Account } from './store/user-store.js';
import type { Role } from './users-file.js';
import { UsersRepository } from './users.repository.js';

export interface Me {
  username: string;
  displayName: string;
  role: Role;
}

export interface ProfileChanges {
  displayName?: string;
  password?: string;
  currentPassword: string;
}

/** The authenticated user's own account: who they are, and changing their name or password. */
@Injectable()
export class ProfileService {
  private readonly logger = new Logger(ProfileService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly auth: AuthService,
    private readonly strength: PasswordStrength,
  ) {}

  me(username: string): Me {
    return toMe(this.account(username));
  }

  /**
   * Changes the display name and/or the password, once `currentPassword` is confirmed. A new password follows the
   * sign-up rules and replaces the old one at once: credentials verified with the old one are forgotten. Users of the
   * user file are managed there (the file would undo the change at the next reload), so they cannot.
   */
  async update(username: string, changes: ProfileChanges): Promise<Me> {
    const account = this.account(username);
    if (!(await this.auth.verifyPassword(username, changes.currentPassword))) {
      throw DomainError.forbidden('currentPassword is wrong');
    }
    const displayName = changes.displayName ?? undefined;
    const password = changes.password ?? undefined;
    if (displayName === undefined && password === undefined) return toMe(account);
    if (account.source === 'file') {
      throw DomainError.forbidden('this account is managed in the user file; ask an administrator');
    }
    if (password !== undefined) {
      await this.strength.assertStrong(password, [username, displayName ?? account.displayName]);
    }
    const passwordHash = password === undefined ? undefined : await this.auth.hashPassword(password);
    const updated = await this.users.update(username, { displayName, passwordHash });
    if (!updated) throw gone();
    if (passwordHash !== undefined) {
      this.auth.forgetCredentials(username);
      this.logger.log(`${username} changed their password`);
    }
    return toMe(updated);
  }

  private account(username: string): Account {
    const account = this.users.find(username);
    if (!account) throw gone();
    return account;
  }
}

/** The user was removed (SIGHUP) between authentication and now. */
const gone = () => new DomainError('unauthenticated', 'Missing or invalid credentials');

const toMe = (account: Account): Me => ({
  username: account.username,
  displayName: account.displayName,
  role: account.role,
});
