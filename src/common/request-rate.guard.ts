import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { consumeOrThrow, type PointLimiter, RateLimits } from './rate-limit.js';

const MINUTE_SECONDS = 60;

/**
 * Request rate limits per client address and per user, on top of the failed-login limit: past either, `429` with
 * `Retry-After`. A global guard registered after authentication, so that the user is known; routes without a user
 * (health) are not limited. With REDIS_URL the instances share the counts.
 */
@Injectable()
export class RequestRateGuard implements CanActivate {
  private readonly perAddress: PointLimiter;
  private readonly perUser: PointLimiter;

  constructor(@Inject(appConfig.KEY) config: AppConfig, limits: RateLimits) {
    this.perAddress = limits.window('request-address', config.rateLimit.perAddressPerMinute, MINUTE_SECONDS);
    this.perUser = limits.window('request-user', config.rateLimit.perUserPerMinute, MINUTE_SECONDS);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const user = req.user as { username: string } | undefined;
    if (!user) return true;
    const message = 'Too many requests; slow down';
    await Promise.all([
      consumeOrThrow(this.perAddress, req.ip ?? '', message),
      consumeOrThrow(this.perUser, user.username, message),
    ]);
    return true;
  }
}
