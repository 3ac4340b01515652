import type { SearchFilter } from '../search/search-filter.js';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock.js';
import { consumeOrThrow, type PointLimiter, RateLimits } from '../common/rate-limit.js';
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
  private readonly sendRate: PointLimiter;
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
    limits: RateLimits,
  ) {
    this.ttlMs = config.messages.ttlMs;
    this.sendRate = limits.bursty('send', config.messages.sendRatePerSecond, config.messages.sendBurst);
  }

  async onModuleInit(): Promise<void> {
    this.lastId = await this.store.lastId();
    // Ids are at least the microseconds since the epoch of their creation, so no stored message was created after
    // lastId / 1000: starting there keeps creation times from going back (the store rejects that) even when the
    // clock now is behind.
    this.lastCreatedAt = Math.floor(this.lastId / 1000);
  }

  /**
   * Stores a message from `user` in `channel` (whose access the caller has checked), or finds the one a retry of the
   * same `clientMsgId` already stored.
   */
  async send(
    user: string,
    channel: string,
    input: NewMessage,
  ): Promise<{ message: Message; created: boolean }> {
    const notBefore = this.notBefore();
    if (input.clientMsgId !== undefined) {
      const original = await this.store.findByClientMsgId(user, input.clientMsgId, notBefore);
      if (original) return { message: original, created: false };
    }
    await consumeOrThrow(this.sendRate, user, 'Sending too fast; slow down');

    const now = this.clock.now();
    // Timestamp-derived ids (microseconds) keep increasing across restarts without storing a counter.
    this.lastId = Math.max(this.lastId + 1, now * 1000);
    this.lastCreatedAt = Math.max(this.lastCreatedAt, now);
    const draft: Message = {
      id: this.lastId,
      channel,
      user,
      text: input.text,
      createdAt: new Date(this.lastCreatedAt).toISOString(),
      ...(input.clientMsgId !== undefined && { clientMsgId: input.clientMsgId }),
    };
    const result = await this.store.append(draft, notBefore);
    // Another instance on the same database may have stored higher ids; the store placed this one after them.
    this.lastId = Math.max(this.lastId, result.message.id);
    if (result.created) this.hub.publish(result.message);
    return result;
  }

  /**
   * A page of messages. With `after` and `waitMs`, an empty page is held until a newer message is stored, `waitMs`
   * passes, `signal` aborts (the client went away) or the server shuts down.
   */
  async list(channel: string, query: PageQuery, signal?: AbortSignal): Promise<MessagePage> {
    const { limit, before, after, waitMs } = query;
    if (before !== undefined) return this.store.before(channel, before, limit, this.notBefore());
    if (after === undefined) return this.store.latest(channel, limit, this.notBefore());
    if (!waitMs) return this.store.after(channel, after, limit, this.notBefore());

    // Listen before reading, so that a message stored between the read and the wait is not missed.
    const arrival = this.nextMessageAfter(channel, after, waitMs, signal);
    try {
      const page = await this.store.after(channel, after, limit, this.notBefore());
      if (page.messages.length > 0 || signal?.aborted) return page;
      await arrival.promise;
      return await this.store.after(channel, after, limit, this.notBefore());
    } finally {
      arrival.cancel();
    }
  }

  /** The retained messages after `afterId` in any of `channels`, oldest first (a stream's replay). */
  listAcross(channels: readonly string[], afterId: number, limit: number): Promise<MessagePage> {
    return this.store.afterIn(channels, afterId, limit, this.notBefore());
  }

  /** The number of retained messages of `channel` after `lastReadId`, and the id of its newest one. */
  async unread(
    channel: string,
    lastReadId: number,
  ): Promise<{ unread: number; lastMessageId: number | null }> {
    const notBefore = this.notBefore();
    const [unread, { newestId }] = await Promise.all([
      this.store.countAfter(channel, lastReadId, notBefore),
      this.store.bounds(channel, notBefore),
    ]);
    return { unread, lastMessageId: newestId };
  }

  /**
   * A page without waiting, as JSON. Pages are cached by query and by the oldest and newest retained ids, which
   * change whenever a message is stored, dropped or expires, so that a popular page is serialized once.
   */
  async listJson(channel: string, query: Omit<PageQuery, 'waitMs'>): Promise<string> {
    const { oldestId, newestId } = await this.store.bounds(channel, this.notBefore());
    const key = `${channel}/${query.limit}/${query.before}/${query.after}/${oldestId}/${newestId}`;
    let json = this.pages.get(key);
    if (json === undefined) {
      json = JSON.stringify(await this.list(channel, query));
      this.pages.set(key, json);
    }
    return json;
  }

  /** Long polls being held now. */
  get waitingCount(): number {
    return this.waiters.size;
  }

  /** Where a client that has seen every message of `channels` up to `lastSeenId` resumes. */
  async resumePoint(channels: readonly string[], lastSeenId: number): Promise<ResumePoint> {
    const notBefore = this.notBefore();
    const lastGone = await this.store.lastGoneId(channels, notBefore);
    if (lastGone <= lastSeenId) return { missed: false, oldestId: null };
    const oldest = await Promise.all(channels.map((c) => this.store.bounds(c, notBefore)));
    const ids = oldest.map((b) => b.oldestId).filter((id): id is number => id !== null);
    return { missed: true, oldestId: ids.length > 0 ? Math.min(...ids) : null };
  }

  beforeApplicationShutdown(): void {
    for (const release of [...this.waiters]) release();
  }

  /** The newest `limit` retained messages that match `filter`, newest first. */
  search(filter: SearchFilter, limit: number): Promise<Message[]> {
    return this.store.search(filter, limit, this.notBefore());
  }

  /** Frees expired messages; returns how many. */
  evictExpired(): Promise<number> {
    return this.store.evict(this.notBefore());
  }

  private nextMessageAfter(channel: string, afterId: number, waitMs: number, signal?: AbortSignal) {
    let release = () => {};
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => release(), waitMs);
      const unsubscribe = this.hub.subscribe(
        (message) => message.channel === channel && message.id > afterId && release(),
      );
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
