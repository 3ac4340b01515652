import { Global, Module } from '@nestjs/common';
import { RateLimits } from './rate-limit.js';

/** The rate limiters' backend (rate-limit.ts: Redis with REDIS_URL, else memory) for every module that limits. */
@Global()
@Module({
  providers: [RateLimits],
  exports: [RateLimits],
})
export class RateLimitModule {}
