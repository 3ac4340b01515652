import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { MessagesService } from './messages.service.js';

/** Frees expired messages on a schedule. Reads filter expiry themselves; this only returns the memory. */
@Injectable()
export class EvictionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvictionService.name);
  /** Messages freed since start. */
  totalEvicted = 0;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly messages: MessagesService,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.run(), this.config.messages.evictionIntervalMs);
    this.scheduler.addInterval('evict-expired-messages', timer);
  }

  async run(): Promise<number> {
    try {
      const count = await this.messages.evictExpired();
      this.totalEvicted += count;
      this.logger.debug(`evicted ${count} expired messages`);
      return count;
    } catch (error) {
      this.logger.error('eviction failed', (error as Error).stack);
      return 0;
    }
  }
}
