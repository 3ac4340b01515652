import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { DomainError } from './domain-error.js';

const MINUTE_SECONDS = 60;

/**
 * Request rate limits per client address and per user, on top of the failed-login limit: past either, `429` with
 * `Retry-After`. A global guard registered after authentication, so that the user is known; routes without a user
 * (health) are not limited.
 */
@Injectable()
export class RequestRateGuard implements CanActivate {
  private readonly perAddress: RateLimiterMemory;
  private readonly perUser: RateLimiterMemory;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.perAddress = new RateLimiterMemory({
      keyPrefix: 'address',
      points: config.rateLimit.perAddressPerMinute,
      duration: MINUTE_SECONDS,
    });
    this.perUser = new RateLimiterMemory({
      keyPrefix: 'user',
      points: config.rateLimit.perUserPerMinute,
      duration: MINUTE_SECONDS,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const user = req.user as { username: string } | undefined;
    if (!user) return true;
    try {
      await Promise.all([this.perAddress.consume(req.ip ?? ''), this.perUser.consume(user.username)]);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw DomainError.rateLimited('Too many requests; slow down', rejection.msBeforeNext);
    }
  }
}
