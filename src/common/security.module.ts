import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RequestRateGuard } from './request-rate.guard.js';

/** Request rate limits; imported after AuthModule so that its guard runs after authentication. */
@Module({
  providers: [{ provide: APP_GUARD, useClass: RequestRateGuard }],
})
export class SecurityModule {}
