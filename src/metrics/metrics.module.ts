import { Global, Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({
  imports: [MessagesModule],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
