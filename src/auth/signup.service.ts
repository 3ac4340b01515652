import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { consumeOrThrow, type PointLimiter, RateLimits } from '../common/rate-limit.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { AuthService } from './auth.service.js';
import { PasswordStrength } from './password-strength.js';
import type { Account, AccountStatus } from './store/user-store.js';
import { UsersRepository } from './users.repository.js';

const HOUR_SECONDS = 3600;
/** Pending sign-ups listed at most; an admin works through them oldest first, and the next ones move up. */
export const MAX_LISTED_SIGNUPS = 1000;

export interface NewSignup {
  username: string;
  password: string;
  displayName: string;
}

export interface SignupResult {
  username: string;
  displayName: string;
  status: AccountStatus;
}

export interface PendingSignup {
  username: string;
  displayName: string;
  requestedAt: string;
}

/** Sign-up (SIGNUP=open|approval) and the admins' approval of pending sign-ups. */
@Injectable()
export class SignupService {
  private readonly logger = new Logger(SignupService.name);
  private readonly mode: AppConfig['signup']['mode'];
  /** Sign-up attempts per client address and hour, whatever their outcome. */
  private readonly attempts: PointLimiter;

  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly auth: AuthService,
    private readonly strength: PasswordStrength,
    limits: RateLimits,
  ) {
    this.mode = config.signup.mode;
    this.attempts = limits.window('signup-address', config.signup.perAddressPerHour, HOUR_SECONDS);
  }

  /**
   * Creates an account, active (`open`) or pending an admin's approval (`approval`). Every attempt from `address`
   * counts against SIGNUP_PER_ADDRESS_PER_HOUR, also a refused one: each costs a strength check and can probe
   * whether a username exists.
   */
  async signup(input: NewSignup, address: string): Promise<SignupResult> {
    this.assertOpen();
    await consumeOrThrow(this.attempts, address, 'Too many sign-ups from this address; try again later');

    const { username, displayName, password } = input;
    const taken = () => DomainError.conflict(`username ${username} is taken`);
    if (this.users.findAccount(username)) throw taken();
    await this.strength.assertStrong(password, [username, displayName]);
    const status: AccountStatus = this.mode === 'open' ? 'active' : 'pending';
    const account: Account = {
      username,
      displayName,
      passwordHash: await this.auth.hashPassword(password),
      role: 'user',
      status,
      source: 'signup',
      createdMs: this.clock.now(),
    };
    // The store decides: another request or instance may have taken the name while the password was hashed.
    if (!(await this.users.create(account))) throw taken();
    this.logger.log(`sign-up: ${username} (${status}) from ${address}`);
    return { username, displayName, status };
  }

  /** Throws `forbidden` when SIGNUP=closed. */
  assertOpen(): void {
    if (this.mode === 'closed') throw DomainError.forbidden('sign-up is closed');
  }

  /** The oldest pending sign-ups, oldest first. */
  async pending(): Promise<PendingSignup[]> {
    return (await this.users.pending(MAX_LISTED_SIGNUPS)).map((a) => ({
      username: a.username,
      displayName: a.displayName,
      requestedAt: new Date(a.createdMs).toISOString(),
    }));
  }

  async approve(admin: string, username: string): Promise<SignupResult> {
    const account = await this.users.approve(username);
    if (!account) throw noSuchSignup(username);
    this.logger.log(`sign-up of ${username} approved by ${admin}`);
    return { username, displayName: account.displayName, status: account.status };
  }

  /** Deletes the pending sign-up; its name is free again, and credentials verified for it are forgotten. */
  async reject(admin: string, username: string): Promise<void> {
    if (!(await this.users.deletePending(username))) throw noSuchSignup(username);
    this.auth.forgetCredentials(username);
    this.logger.log(`sign-up of ${username} rejected by ${admin}`);
  }
}

const noSuchSignup = (username: string) => DomainError.notFound(`No pending sign-up ${username}`);
