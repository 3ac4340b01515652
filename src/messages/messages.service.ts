import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { TokenBuckets } from '../common/rate-limit.js';
import { appConfig, type AppConfig } from '../config/app.config.js';
import type { Message, MessagePage } from './message.js';
import { MessageHub } from './message-hub.js';
import { MessageStore } from './store/message-store.js';

const PAGE_CACHE_ENTRIES = 256;

export interface NewMessage {
  text: string;
  clientMsgId?: string;
}

export interface PageQuery {
  limit: number;
  before?: number;
  after?: number;
  /** With `after`: hold the request up to this long until a newer message exists (long poll). */
  waitMs?: number;
}

/** Where a resuming client stands: whether it missed messages that are gone, and the oldest one still kept. */
export interface ResumePoint {
  missed: boolean;
  oldestId: number | null;
}

/** The rules of sending and reading: who, ids, retention, idempotency, send rate. */
@Injectable()
export class MessagesService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly sendRate: TokenBuckets;
  /** Ends every held long poll; each one removes itself when it ends. */
  private readonly waiters = new Set<() => void>();
  private readonly pages = new LRUCache<string, string>({ max: PAGE_CACHE_ENTRIES });
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
    const [lastId, newest] = await Promise.all([this.store.lastId(), this.store.latest(1, 0)]);
    this.lastId = lastId;
    this.lastCreatedAt = newest.messages.length > 0 ? Date.parse(newest.messages[0].createdAt) : 0;
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

  /**
   * A page of messages. With `after` and `waitMs`, an empty page is held until a newer message is stored, `waitMs`
   * passes, `signal` aborts (the client went away) or the server shuts down.
   */
  async list(query: PageQuery, signal?: AbortSignal): Promise<MessagePage> {
    if (query.before !== undefined) return this.store.before(query.before, query.limit, this.notBefore());
    if (query.after === undefined) return this.store.latest(query.limit, this.notBefore());
    if (!query.waitMs) return this.store.after(query.after, query.limit, this.notBefore());

    // Listen before reading, so that a message stored between the read and the wait is not missed.
    const arrival = this.nextMessageAfter(query.after, query.waitMs, signal);
    try {
      const page = await this.store.after(query.after, query.limit, this.notBefore());
      if (page.messages.length > 0 || signal?.aborted) return page;
      await arrival.promise;
      return await this.store.after(query.after, query.limit, this.notBefore());
    } finally {
      arrival.cancel();
    }
  }

  /**
   * A page without waiting, as JSON. Pages are cached by query and by the oldest and newest retained ids, which
   * change whenever a message is stored, dropped or expires, so that a popular page is serialized once.
   */
  async listJson(query: Omit<PageQuery, 'waitMs'>): Promise<string> {
    const { oldestId, newestId } = await this.store.bounds(this.notBefore());
    const key = `${query.limit}/${query.before}/${query.after}/${oldestId}/${newestId}`;
    let json = this.pages.get(key);
    if (json === undefined) {
      json = JSON.stringify(await this.list(query));
      this.pages.set(key, json);
    }
    return json;
  }

  /** Long polls being held now. */
  get waitingCount(): number {
    return this.waiters.size;
  }

  /** Where a client that has seen every message up to `lastSeenId` resumes. */
  async resumePoint(lastSeenId: number): Promise<ResumePoint> {
    const notBefore = this.notBefore();
    const [lastGone, { oldestId }] = await Promise.all([
      this.store.lastGoneId(notBefore),
      this.store.bounds(notBefore),
    ]);
    return { missed: lastGone > lastSeenId, oldestId };
  }

  beforeApplicationShutdown(): void {
    for (const release of [...this.waiters]) release();
  }

  /** Frees expired messages; returns how many. */
  evictExpired(): Promise<number> {
    return this.store.evict(this.notBefore());
  }

  private nextMessageAfter(afterId: number, waitMs: number, signal?: AbortSignal) {
    let release = () => {};
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => release(), waitMs);
      const unsubscribe = this.hub.subscribe((message) => message.id > afterId && release());
      signal?.addEventListener('abort', () => release(), { once: true });
      release = () => {
        clearTimeout(timer);
        unsubscribe();
        this.waiters.delete(release);
        resolve();
      };
      this.waiters.add(release);
    });
    return { promise, cancel: () => release() };
  }

  private notBefore(): number {
    return this.clock.now() - this.ttlMs;
  }
}
