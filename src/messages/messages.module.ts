import { Module } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { EvictionService } from './eviction.service.js';
import { InProcessMessageHub, MessageHub } from './message-hub.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';
import { MessageStreamService } from './stream/message-stream.service.js';
import { StreamController } from './stream/stream.controller.js';
import { MemoryMessageStore } from './store/memory-message.store.js';
import { MessageStore } from './store/message-store.js';

@Module({
  controllers: [MessagesController, StreamController],
  providers: [
    {
      provide: MessageStore,
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => new MemoryMessageStore(config.messages.maxMessages),
    },
    { provide: MessageHub, useClass: InProcessMessageHub },
    MessagesService,
    MessageStreamService,
    EvictionService,
  ],
  exports: [MessagesService, MessageHub, MessageStreamService, EvictionService],
})
export class MessagesModule {}
