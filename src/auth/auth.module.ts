import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthService } from './auth.service.js';
import { BasicAuthGuard } from './basic-auth.guard.js';
import { BasicAuthStrategy } from './basic-auth.strategy.js';
import { LoginLimiter } from './login-limiter.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';

@Module({
  imports: [PassportModule],
  controllers: [UsersController],
  providers: [
    UsersRepository,
    LoginLimiter,
    AuthService,
    BasicAuthStrategy,
    { provide: APP_GUARD, useClass: BasicAuthGuard },
  ],
  exports: [UsersRepository, AuthService],
})
export class AuthModule {}
