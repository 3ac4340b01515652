import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { BasicStrategy } from 'passport-http';
import { AuthService } from './auth.service.js';
import { parseBasicAuthHeader } from './basic-auth-header.js';
import type { User } from './users-file.js';

/** What passport adds to a strategy at run time, which passport-http's types leave out. */
interface StrategyRuntime {
  _verify(req: Request, username: string, password: string, done: (err: unknown, user?: User) => void): void;
  fail(status: number): void;
  error(err: unknown): void;
  success(user: User): void;
}

/** passport-http's Basic strategy, with its header parser replaced (it drops everything after a second colon). */
@Injectable()
export class BasicAuthStrategy extends PassportStrategy(BasicStrategy, 'basic') {
  constructor(private readonly auth: AuthService) {
    super({ passReqToCallback: true });
  }

  override authenticate(req: Request): void {
    const strategy = this as unknown as StrategyRuntime;
    const credentials = parseBasicAuthHeader(req.headers.authorization);
    if (!credentials) {
      strategy.fail(401);
      return;
    }
    strategy._verify(req, credentials.username, credentials.password, (err, user) => {
      if (err) strategy.error(err);
      else if (!user) strategy.fail(401);
      else strategy.success(user);
    });
  }

  validate(req: Request, username: string, password: string): Promise<User> {
    return this.auth.authenticate(req.headers.authorization ?? '', username, password, req.ip ?? '');
  }
}
