import type { ApiClient } from '../../../lib/api-client';
import { PAGE_SIZE, type Message, type MessagePage, type MessageWindow } from '../types';
import { mergeMessages } from '../utils/merge';

/** How many messages, itself included, a message opened in its context shows before it. */
const CONTEXT_BEFORE = 25;

export const messagesQueryKey = (channel: string) => ['messages', channel] as const;
/** A window opened at a message: under the channel's key, so what updates the channel's windows finds it. */
export const messagesAroundQueryKey = (channel: string, id: number) =>
  [...messagesQueryKey(channel), 'around', id] as const;

const messagesPath = (channel: string) => `/api/channels/${encodeURIComponent(channel)}/messages`;

export function getLatestMessages(
  api: ApiClient,
  channel: string,
  signal?: AbortSignal,
): Promise<MessagePage> {
  return api.get<MessagePage>(messagesPath(channel), { limit: PAGE_SIZE }, signal);
}

export function getMessagesBefore(
  api: ApiClient,
  channel: string,
  before: number,
  signal?: AbortSignal,
): Promise<MessagePage> {
  return api.get<MessagePage>(messagesPath(channel), { before, limit: PAGE_SIZE }, signal);
}

/**
 * Everything newer than `after`, oldest first: the catch-up read, and with `wait` (seconds) the long poll that
 * keeps a previewed channel current (the stream only carries the channels the user is a member of).
 */
export function getMessagesAfter(
  api: ApiClient,
  channel: string,
  after: number,
  signal?: AbortSignal,
  wait?: number,
): Promise<MessagePage> {
  return api.get<MessagePage>(messagesPath(channel), { after, limit: 1000, wait }, signal);
}

/**
 * A message in its context: the messages before it and it, then what follows it (up to 1000, as the catch-up
 * read; usually up to the newest, so the live stream continues the window).
 */
export async function getMessagesAround(
  api: ApiClient,
  channel: string,
  id: number,
  signal?: AbortSignal,
): Promise<MessageWindow> {
  const [before, after] = await Promise.all([
    api.get<MessagePage>(messagesPath(channel), { before: id + 1, limit: CONTEXT_BEFORE }, signal),
    getMessagesAfter(api, channel, id, signal),
  ]);
  return {
    messages: mergeMessages(before.messages, after.messages),
    hasOlder: before.hasOlder,
    hasNewer: after.hasNewer,
  };
}

/** Sends a message; resending the same `clientMsgId` returns the stored original instead of a duplicate. */
export function sendMessage(
  api: ApiClient,
  channel: string,
  text: string,
  clientMsgId: string,
): Promise<Message> {
  return api.post<Message>(messagesPath(channel), { text, clientMsgId });
}
