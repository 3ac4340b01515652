import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { AdminSignupsController } from './admin-signups.controller.js';
import { AuthService } from './auth.service.js';
import { BasicAuthGuard } from './basic-auth.guard.js';
import { BasicAuthStrategy } from './basic-auth.strategy.js';
import { LoginLimiter } from './login-limiter.js';
import { PasswordStrength } from './password-strength.js';
import { ProfileService } from './profile.service.js';
import { SignupController } from './signup.controller.js';
import { SignupService } from './signup.service.js';
import { openUserStore } from './store/open-user-store.js';
import { UserStore } from './store/user-store.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';

@Module({
  imports: [PassportModule],
  controllers: [UsersController, SignupController, AdminSignupsController],
  providers: [
    {
      provide: UserStore,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => openUserStore(config.store),
    },
    UsersRepository,
    LoginLimiter,
    AuthService,
    PasswordStrength,
    SignupService,
    ProfileService,
    BasicAuthStrategy,
    { provide: APP_GUARD, useClass: BasicAuthGuard },
  ],
  exports: [UsersRepository, AuthService],
})
export class AuthModule implements OnApplicationShutdown {
  constructor(private readonly store: UserStore) {}

  /** After the server has stopped taking requests. */
  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
