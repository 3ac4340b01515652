import { foldText } from '../../search/fold.js';
import { type SearchFilter, matchesText } from '../../search/search-filter.js';
import type { Message, MessagePage } from '../message.js';
import { MessageStore, placeAfter } from './message-store.js';

interface Entry {
  message: Message;
  /** Creation time in epoch ms; non-decreasing along the array, like the ids. */
  at: number;
  /** The text folded for search, once searched. */
  folded?: string;
}

/** Index of the first element for which `isRight` holds, in an array where it is false then true. */
function partition<T>(items: readonly T[], isRight: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isRight(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The messages of one channel, ordered by id (which is also creation order), at most `maxMessages` of them. */
class ChannelLog {
  readonly entries: Entry[] = [];
  highestDroppedId = 0;

  /** The entries in [from, to), clipped to the retained ones. */
  page(from: number, to: number, notBefore: number): MessagePage {
    const first = this.firstRetained(notBefore);
    const start = Math.max(from, first);
    const end = Math.max(start, Math.min(to, this.entries.length));
    return {
      messages: this.entries.slice(start, end).map((e) => e.message),
      hasOlder: start > first,
      hasNewer: end < this.entries.length,
    };
  }

  /** Index of the first entry with id > `id`. */
  indexAfter(id: number): number {
    return partition(this.entries, (e) => e.message.id > id);
  }

  firstRetained(notBefore: number): number {
    return partition(this.entries, (e) => e.at >= notBefore);
  }

  /** Drops the oldest `count` entries; returns them. */
  drop(count: number): Entry[] {
    if (count > 0) this.highestDroppedId = this.entries[count - 1].message.id;
    return this.entries.splice(0, count);
  }
}

const EMPTY = new ChannelLog();

/**
 * Keeps at most `maxMessages` messages per channel in memory. Appending past the cap drops the channel's oldest
 * message at once, so the count cap needs no eviction run; reads skip expired messages by binary search.
 */
export class MemoryMessageStore extends MessageStore {
  private readonly channels = new Map<string, ChannelLog>();
  private readonly byClientMsgId = new Map<string, Message>();
  private highestId = 0;
  private newestAt = 0;

  constructor(private readonly maxMessages: number) {
    super();
  }

  lastId(): Promise<number> {
    return Promise.resolve(this.highestId);
  }

  append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }> {
    const key = message.clientMsgId === undefined ? undefined : clientKey(message.user, message.clientMsgId);
    const existing = key === undefined ? undefined : this.byClientMsgId.get(key);
    if (existing && Date.parse(existing.createdAt) >= notBefore) {
      return Promise.resolve({ message: existing, created: false });
    }
    message = placeAfter(message, this.highestId, this.newestAt);
    const at = Date.parse(message.createdAt);
    const log = this.log(message.channel);
    this.evictFrom(log, notBefore);
    log.entries.push({ message, at });
    this.highestId = message.id;
    this.newestAt = at;
    if (key !== undefined) this.byClientMsgId.set(key, message);
    if (log.entries.length > this.maxMessages) this.forget(log.drop(log.entries.length - this.maxMessages));
    return Promise.resolve({ message, created: true });
  }

  findByClientMsgId(user: string, clientMsgId: string, notBefore: number): Promise<Message | undefined> {
    const message = this.byClientMsgId.get(clientKey(user, clientMsgId));
    return Promise.resolve(message && Date.parse(message.createdAt) >= notBefore ? message : undefined);
  }

  latest(channel: string, limit: number, notBefore: number): Promise<MessagePage> {
    const log = this.read(channel);
    return Promise.resolve(log.page(log.entries.length - limit, log.entries.length, notBefore));
  }

  before(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const log = this.read(channel);
    const end = partition(log.entries, (e) => e.message.id >= id);
    return Promise.resolve(log.page(end - limit, end, notBefore));
  }

  after(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const log = this.read(channel);
    const start = Math.max(log.indexAfter(id), log.firstRetained(notBefore));
    return Promise.resolve(log.page(start, start + limit, notBefore));
  }

  async afterIn(
    channels: readonly string[],
    id: number,
    limit: number,
    notBefore: number,
  ): Promise<MessagePage> {
    const pages = await Promise.all(channels.map((channel) => this.after(channel, id, limit + 1, notBefore)));
    const merged = pages.flatMap((page) => page.messages).sort((a, b) => a.id - b.id);
    return { messages: merged.slice(0, limit), hasOlder: false, hasNewer: merged.length > limit };
  }

  async afterAny(id: number, limit: number, notBefore: number): Promise<Message[]> {
    return (await this.afterIn([...this.channels.keys()], id, limit, notBefore)).messages;
  }

  bounds(channel: string, notBefore: number): Promise<{ oldestId: number | null; newestId: number | null }> {
    const log = this.read(channel);
    const { entries } = log;
    const first = log.firstRetained(notBefore);
    const retained = first < entries.length;
    return Promise.resolve({
      oldestId: retained ? entries[first].message.id : null,
      newestId: retained ? entries[entries.length - 1].message.id : null,
    });
  }

  countAfter(channel: string, id: number, notBefore: number): Promise<number> {
    const log = this.read(channel);
    return Promise.resolve(log.entries.length - Math.max(log.indexAfter(id), log.firstRetained(notBefore)));
  }

  lastGoneId(channels: readonly string[], notBefore: number): Promise<number> {
    let highest = 0;
    for (const channel of channels) {
      const log = this.read(channel);
      const expired = log.firstRetained(notBefore);
      highest = Math.max(highest, expired > 0 ? log.entries[expired - 1].message.id : log.highestDroppedId);
    }
    return Promise.resolve(highest);
  }

  /** A scan of the retained messages of each channel, newest first, until `limit` match in it. */
  search(filter: SearchFilter, limit: number, notBefore: number): Promise<Message[]> {
    const since = Math.max(notBefore, filter.sinceMs ?? -Infinity);
    const found: Message[] = [];
    for (const channel of filter.channels) {
      const { entries } = this.read(channel);
      let matched = 0;
      for (let i = entries.length - 1; i >= 0 && matched < limit && entries[i].at >= since; i--) {
        const entry = entries[i];
        const { message } = entry;
        if (filter.beforeId !== undefined && message.id >= filter.beforeId) continue;
        if (filter.untilMs !== undefined && entry.at >= filter.untilMs) continue;
        if (filter.authors.length > 0 && !filter.authors.includes(message.user)) continue;
        entry.folded ??= foldText(message.text);
        if (!matchesText(filter, entry.folded)) continue;
        found.push(message);
        matched++;
      }
    }
    return Promise.resolve(found.sort((a, b) => b.id - a.id).slice(0, limit));
  }

  evict(notBefore: number): Promise<number> {
    let count = 0;
    for (const log of this.channels.values()) count += this.evictFrom(log, notBefore);
    return Promise.resolve(count);
  }

  /** The log of `channel` for reading; an unknown channel reads as empty without being created. */
  private read(channel: string): ChannelLog {
    return this.channels.get(channel) ?? EMPTY;
  }

  private log(channel: string): ChannelLog {
    let log = this.channels.get(channel);
    if (!log) {
      log = new ChannelLog();
      this.channels.set(channel, log);
    }
    return log;
  }

  private evictFrom(log: ChannelLog, notBefore: number): number {
    const expired = log.drop(log.firstRetained(notBefore));
    this.forget(expired);
    return expired.length;
  }

  /** Frees the clientMsgIds of dropped messages (unless a newer message has taken one over). */
  private forget(entries: Entry[]): void {
    for (const { message } of entries) {
      if (message.clientMsgId === undefined) continue;
      const key = clientKey(message.user, message.clientMsgId);
      if (this.byClientMsgId.get(key) === message) this.byClientMsgId.delete(key);
    }
  }
}

function clientKey(user: string, clientMsgId: string): string {
  return `${user}\n${clientMsgId}`;
}
