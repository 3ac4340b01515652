import type { Message, MessagePage } from '../message.js';
import { MessageStore } from './message-store.js';

interface Entry {
  message: Message;
  /** Creation time in epoch ms; non-decreasing along the array, like the ids. */
  at: number;
}

/** Index of the first element for which `isRight` holds, in an array where it is false then true. */
function partition<T>(items: readonly T[], from: number, isRight: (item: T) => boolean): number {
  let lo = from;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isRight(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Keeps at most `maxMessages` messages in memory, ordered by id (which is also creation order). Appending past
 * the cap drops the oldest message at once, so the count cap needs no eviction run; reads skip expired messages
 * by binary search.
 */
export class MemoryMessageStore extends MessageStore {
  private readonly entries: Entry[] = [];
  private readonly byClientMsgId = new Map<string, Message>();
  private highestId = 0;
  private highestDroppedId = 0;

  constructor(private readonly maxMessages: number) {
    super();
  }

  lastId(): Promise<number> {
    return Promise.resolve(this.highestId);
  }

  append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }> {
    this.evictSync(notBefore);
    const key = message.clientMsgId === undefined ? undefined : clientKey(message.user, message.clientMsgId);
    const existing = key === undefined ? undefined : this.byClientMsgId.get(key);
    if (existing) return Promise.resolve({ message: existing, created: false });

    const last = this.entries.at(-1);
    if (message.id <= this.highestId || (last && Date.parse(message.createdAt) < last.at)) {
      return Promise.reject(new Error(`message ${message.id} is out of order`));
    }
    this.entries.push({ message, at: Date.parse(message.createdAt) });
    this.highestId = message.id;
    if (key !== undefined) this.byClientMsgId.set(key, message);
    if (this.entries.length > this.maxMessages) this.drop(this.entries.length - this.maxMessages);
    return Promise.resolve({ message, created: true });
  }

  findByClientMsgId(user: string, clientMsgId: string, notBefore: number): Promise<Message | undefined> {
    const message = this.byClientMsgId.get(clientKey(user, clientMsgId));
    return Promise.resolve(message && Date.parse(message.createdAt) >= notBefore ? message : undefined);
  }

  latest(limit: number, notBefore: number): Promise<MessagePage> {
    return Promise.resolve(this.page(this.entries.length - limit, this.entries.length, notBefore));
  }

  before(id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const end = partition(this.entries, 0, (e) => e.message.id >= id);
    return Promise.resolve(this.page(end - limit, end, notBefore));
  }

  after(id: number, limit: number, notBefore: number): Promise<MessagePage> {
    const start = Math.max(
      partition(this.entries, 0, (e) => e.message.id > id),
      this.firstRetained(notBefore),
    );
    return Promise.resolve(this.page(start, start + limit, notBefore));
  }

  bounds(notBefore: number): Promise<{ oldestId: number | null; newestId: number | null }> {
    const first = this.firstRetained(notBefore);
    const retained = first < this.entries.length;
    return Promise.resolve({
      oldestId: retained ? this.entries[first].message.id : null,
      newestId: retained ? this.entries[this.entries.length - 1].message.id : null,
    });
  }

  lastGoneId(notBefore: number): Promise<number> {
    const expired = this.firstRetained(notBefore);
    return Promise.resolve(expired > 0 ? this.entries[expired - 1].message.id : this.highestDroppedId);
  }

  evict(notBefore: number): Promise<number> {
    return Promise.resolve(this.evictSync(notBefore));
  }

  /** The entries in [from, to), clipped to the retained ones. */
  private page(from: number, to: number, notBefore: number): MessagePage {
    const first = this.firstRetained(notBefore);
    const start = Math.max(from, first);
    const end = Math.max(start, Math.min(to, this.entries.length));
    return {
      messages: this.entries.slice(start, end).map((e) => e.message),
      hasOlder: start > first,
      hasNewer: end < this.entries.length,
    };
  }

  private firstRetained(notBefore: number): number {
    return partition(this.entries, 0, (e) => e.at >= notBefore);
  }

  private evictSync(notBefore: number): number {
    const expired = this.firstRetained(notBefore);
    this.drop(expired);
    return expired;
  }

  private drop(count: number): void {
    if (count > 0) this.highestDroppedId = this.entries[count - 1].message.id;
    for (const { message } of this.entries.splice(0, count)) {
      if (message.clientMsgId !== undefined)
        this.byClientMsgId.delete(clientKey(message.user, message.clientMsgId));
    }
  }
}

function clientKey(user: string, clientMsgId: string): string {
  return `${user}\n${clientMsgId}`;
}
