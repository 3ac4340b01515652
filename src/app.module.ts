import { fileURLToPath } from 'node:url';
import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AuthModule } from './auth/auth.module.js';
import { BusModule } from './bus/bus.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { CommonModule } from './common/common.module.js';
import { RateLimitModule } from './common/rate-limit.module.js';
import { SecurityModule } from './common/security.module.js';
import { ConfigModule } from './config/config.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './common/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { SearchModule } from './search/search.module.js';

/** The built React page (frontend/dist), served at `/` by the same process as the API. */
const PAGE_ROOT = fileURLToPath(new URL('../frontend/dist', import.meta.url));

@Module({
  imports: [
    ConfigModule,
    CommonModule,
    RateLimitModule,
    BusModule,
    LoggingModule,
    ScheduleModule.forRoot(),
    ServeStaticModule.forRoot({ rootPath: PAGE_ROOT, exclude: ['/api/{*path}'] }),
    AuthModule,
    SecurityModule,
    MessagesModule,
    ChannelsModule,
    SearchModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        stopAtFirstError: true,
      }),
    },
  ],
})
export class AppModule {}
