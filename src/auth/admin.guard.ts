import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import type { User } from './users-file.js';
import { UsersRepository } from './users.repository.js';

/** Lets admins through (`403` for everyone else); runs after the global authentication guard. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly users: UsersRepository) {}

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<Request>().user as User | undefined;
    if (user && this.users.isAdmin(user.username)) return true;
    throw DomainError.forbidden('admins only');
  }
}
