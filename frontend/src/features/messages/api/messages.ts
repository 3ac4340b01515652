import type { ApiClient } from '../../../lib/api-client';
import { PAGE_SIZE, type Message, type MessagePage } from '../types';

export const messagesQueryKey = (channel: string) => ['messages', channel] as const;

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

/** Sends a message; resending the same `clientMsgId` returns the stored original instead of a duplicate. */
export function sendMessage(
  api: ApiClient,
  channel: string,
  text: string,
  clientMsgId: string,
): Promise<Message> {
  return api.post<Message>(messagesPath(channel), { text, clientMsgId });
}
