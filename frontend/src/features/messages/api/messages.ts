import type { ApiClient } from '../../../lib/api-client';
import { PAGE_SIZE, type Message, type MessagePage } from '../types';

export const messagesQueryKey = ['messages', 'general'] as const;

export function getLatestMessages(api: ApiClient, signal?: AbortSignal): Promise<MessagePage> {
  return api.get<MessagePage>('/api/messages', { limit: PAGE_SIZE }, signal);
}

export function getMessagesBefore(
  api: ApiClient,
  before: number,
  signal?: AbortSignal,
): Promise<MessagePage> {
  return api.get<MessagePage>('/api/messages', { before, limit: PAGE_SIZE }, signal);
}

/** The catch-up read of the polling fallback: everything newer than `after`, oldest first. */
export function getMessagesAfter(api: ApiClient, after: number, signal?: AbortSignal): Promise<MessagePage> {
  return api.get<MessagePage>('/api/messages', { after, limit: 1000 }, signal);
}

/** Sends a message; resending the same `clientMsgId` returns the stored original instead of a duplicate. */
export function sendMessage(api: ApiClient, text: string, clientMsgId: string): Promise<Message> {
  return api.post<Message>('/api/messages', { text, clientMsgId });
}
