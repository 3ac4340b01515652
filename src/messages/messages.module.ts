import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { DirectoryModule } from '../channels/directory.module.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { EvictionService } from './eviction.service.js';
import { Bus } from '../bus/bus.js';
import { Clock } from '../common/clock.js';
import { InProcessMessageHub, MessageHub, SharedMessageHub } from './message-hub.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';
import { MessageStreamService } from './stream/message-stream.service.js';
import { StreamController } from './stream/stream.controller.js';
import { MessageStore } from './store/message-store.js';
import { openMessageStore } from './store/open-message-store.js';

@Module({
  imports: [DirectoryModule],
  controllers: [MessagesController, StreamController],
  providers: [
    {
      provide: MessageStore,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => openMessageStore(config.store, config.messages.maxMessages),
    },
    {
      provide: MessageHub,
      inject: [appConfig.KEY, MessageStore, Bus, Clock],
      useFactory: (config: AppConfig, store: MessageStore, bus: Bus, clock: Clock) =>
        bus.shared
          ? SharedMessageHub.start(store, bus, () => clock.now() - config.messages.ttlMs)
          : new InProcessMessageHub(),
    },
    MessagesService,
    MessageStreamService,
    EvictionService,
  ],
  exports: [MessagesService, MessageHub, MessageStore, MessageStreamService, EvictionService],
})
export class MessagesModule implements OnApplicationShutdown {
  constructor(
    private readonly store: MessageStore,
    private readonly hub: MessageHub,
  ) {}

  /** After the server has stopped taking requests and the long polls have ended. */
  onApplicationShutdown(): Promise<void> {
    this.hub.close();
    return this.store.close();
  }
}
