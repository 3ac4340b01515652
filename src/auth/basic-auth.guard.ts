import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { AuthService } from './auth.service.js';
import { IS_PUBLIC } from './public.decorator.js';

/** The global guard: every route needs Basic auth unless it is marked `@Public()`. */
@Injectable()
export class BasicAuthGuard extends AuthGuard('basic') {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    // Recently verified credentials skip passport's per-request machinery; anything else goes through it.
    const req = context.switchToHttp().getRequest<Request>();
    const user = await this.auth.fromCache(req.headers.authorization, req.ip ?? '');
    if (user) {
      req.user = user;
      return true;
    }
    // passport's AuthGuard answers with a Promise, never an Observable.
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    // passport hands over whatever the strategy raised: a DomainError from AuthService or a passport error.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (err) throw err;
    if (!user) throw new DomainError('unauthenticated', 'Missing or invalid credentials');
    return user;
  }
}
