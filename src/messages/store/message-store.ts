import type { SearchFilter } from '../../search/search-filter.js';
import type { Message, MessagePage } from '../message.js';

/** Rows a database store deletes per transaction in an eviction run, so one run never holds a lock or the loop long. */
export const EVICTION_BATCH = 500;

/**
 * `draft` placed after the newest stored message: its id above `highestId` (which may belong to a message since
 * deleted) and its creation time not before `newestAt`, so that ids and creation times ascend together.
 */
export function placeAfter(draft: Message, highestId: number, newestAt: number): Message {
  const id = Math.max(draft.id, highestId + 1);
  const at = Math.max(Date.parse(draft.createdAt), newestAt);
  if (id === draft.id && at === Date.parse(draft.createdAt)) return draft;
  return { ...draft, id, createdAt: new Date(at).toISOString() };
}

/**
 * The storage port of MessagesService. Ids are global, ascending and unique across channels; the count cap applies
 * per channel, the age cap to all. `notBefore` (epoch ms) is the oldest creation time still retained: reads never
 * return an older message, whether or not eviction has run. Every read costs O(log n + page).
 */
export abstract class MessageStore {
  /** The highest id ever stored (0 when none), so ids keep increasing across restarts. */
  abstract lastId(): Promise<number>;

  /**
   * Stores a message in its channel unless the same user already has a retained message with its `clientMsgId`
   * (in any channel); then that message is returned with `created: false` and nothing is stored. The store places
   * the message after every stored one (`placeAfter`): its id and creation time are at least the draft's, raised
   * when another writer (an instance on the same database) stored a higher one first. The message as stored is
   * returned.
   */
  abstract append(message: Message, notBefore: number): Promise<{ message: Message; created: boolean }>;

  abstract findByClientMsgId(
    user: string,
    clientMsgId: string,
    notBefore: number,
  ): Promise<Message | undefined>;

  /** The newest `limit` messages of `channel`. */
  abstract latest(channel: string, limit: number, notBefore: number): Promise<MessagePage>;

  /** The newest `limit` messages of `channel` with id < `id`. */
  abstract before(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage>;

  /** The oldest `limit` messages of `channel` with id > `id`. */
  abstract after(channel: string, id: number, limit: number, notBefore: number): Promise<MessagePage>;

  /** The oldest `limit` messages with id > `id` in any of `channels` (a stream's replay); `hasOlder` is false. */
  abstract afterIn(
    channels: readonly string[],
    id: number,
    limit: number,
    notBefore: number,
  ): Promise<MessagePage>;

  /**
   * The oldest `limit` retained messages with id > `id` in every channel: what instances sharing the store read to
   * pass each other's messages on, in id order (MessageHub).
   */
  abstract afterAny(id: number, limit: number, notBefore: number): Promise<Message[]>;

  /** The oldest and the newest retained ids of `channel` (null when none is retained). */
  abstract bounds(
    channel: string,
    notBefore: number,
  ): Promise<{ oldestId: number | null; newestId: number | null }>;

  /** How many retained messages of `channel` have an id > `id` (unread counts). */
  abstract countAfter(channel: string, id: number, notBefore: number): Promise<number>;

  /**
   * The highest id of a message of `channels` that is gone (evicted, dropped by the count cap, or older than
   * `notBefore`), 0 when none is. A client that saw up to id X of these channels missed something exactly when this
   * is greater than X.
   */
  abstract lastGoneId(channels: readonly string[], notBefore: number): Promise<number>;

  /**
   * The newest `limit` retained messages of `filter.channels`, newest first, that match `filter` exactly as
   * search-filter.ts defines it: the SQL stores narrow with their search indexes, then check the folded text with
   * `matchesText`.
   */
  abstract search(filter: SearchFilter, limit: number, notBefore: number): Promise<Message[]>;

  /** Frees messages created before `notBefore`; returns how many. */
  abstract evict(notBefore: number): Promise<number>;

  /** Releases the database connection, if any; called once at shutdown. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
