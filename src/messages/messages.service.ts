import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { TokenBuckets } from '../common/rate-limit.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import type { Message, MessagePage } from './message.js';
import { MessageHub } from './message-hub.js';
import { MessageStore } from './store/message-store.js';

export interface NewMessage {
  text: string;
  clientMsgId?: string;
}

export type PageQuery = { limit: number; before?: number; after?: number };

/** The rules of sending and reading: who, ids, retention, idempotency, send rate. */
@Injectable()
export class MessagesService implements OnModuleInit {
  private readonly sendRate: TokenBuckets;
  private readonly ttlMs: number;
  private lastId = 0;
  private lastCreatedAt = 0;

  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly store: MessageStore,
    private readonly hub: MessageHub,
    private readonly clock: Clock,
  ) {
    this.ttlMs = config.messages.ttlMs;
    this.sendRate = new TokenBuckets(config.messages.sendRatePerSecond, config.messages.sendBurst, clock);
  }

  async onModuleInit(): Promise<void> {
    this.lastId = await this.store.lastId();
  }

  /** Stores a message from `user`, or finds the one a retry of the same `clientMsgId` already stored. */
  async send(user: string, input: NewMessage): Promise<{ message: Message; created: boolean }> {
    const notBefore = this.notBefore();
    if (input.clientMsgId !== undefined) {
      const original = await this.store.findByClientMsgId(user, input.clientMsgId, notBefore);
      if (original) return { message: original, created: false };
    }
    const waitMs = this.sendRate.take(user);
    if (waitMs > 0) throw DomainError.rateLimited('Sending too fast; slow down', waitMs);

    const now = this.clock.now();
    // Timestamp-derived ids (microseconds) keep increasing across restarts without storing a counter.
    this.lastId = Math.max(this.lastId + 1, now * 1000);
    this.lastCreatedAt = Math.max(this.lastCreatedAt, now);
    const draft: Message = {
      id: this.lastId,
      user,
      text: input.text,
      createdAt: new Date(this.lastCreatedAt).toISOString(),
      ...(input.clientMsgId !== undefined && { clientMsgId: input.clientMsgId }),
    };
    const result = await this.store.append(draft, notBefore);
    if (result.created) this.hub.publish(result.message);
    return result;
  }

  list(query: PageQuery): Promise<MessagePage> {
    const notBefore = this.notBefore();
    if (query.before !== undefined) return this.store.before(query.before, query.limit, notBefore);
    if (query.after !== undefined) return this.store.after(query.after, query.limit, notBefore);
    return this.store.latest(query.limit, notBefore);
  }

  /** Frees expired messages; returns how many. */
  evictExpired(): Promise<number> {
    return this.store.evict(this.notBefore());
  }

  private notBefore(): number {
    return this.clock.now() - this.ttlMs;
  }
}
