import { useCallback, useState } from 'react';
import { ApiError, type ApiClient } from '../../../lib/api-client';
import { formatWait } from '../../../lib/format';
import { sendMessage } from '../api/messages';
import type { Message, OutgoingMessage } from '../types';
import { newClientMsgId } from '../utils/draft';

/** What a failed send tells the person: the server's own words, and how long to wait if it said so. */
export function describeSendError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong';
  if (error.status === 0) return 'Cannot reach the server';
  if (error.status === 429 && error.retryAfterSeconds !== undefined) {
    return `${error.message} (try again in ${formatWait(error.retryAfterSeconds)})`;
  }
  return error.message;
}

/**
 * Messages on their way to the server. Each keeps its `clientMsgId` for life, so a retry after a lost answer
 * gets the stored original back instead of a second copy.
 */
export function useOutbox(api: ApiClient, onSent: (messages: Message[]) => void) {
  const [outbox, setOutbox] = useState<OutgoingMessage[]>([]);

  const change = (clientMsgId: string, patch: Partial<OutgoingMessage>) =>
    setOutbox((items) => items.map((m) => (m.clientMsgId === clientMsgId ? { ...m, ...patch } : m)));

  const deliver = useCallback(
    async (clientMsgId: string, text: string) => {
      try {
        const message = await sendMessage(api, text, clientMsgId);
        onSent([message]);
        setOutbox((items) => items.filter((m) => m.clientMsgId !== clientMsgId));
      } catch (error) {
        change(clientMsgId, { status: 'failed', error: describeSendError(error) });
      }
    },
    [api, onSent],
  );

  const send = useCallback(
    (text: string) => {
      const clientMsgId = newClientMsgId();
      setOutbox((items) => [...items, { clientMsgId, text, status: 'sending' }]);
      void deliver(clientMsgId, text);
    },
    [deliver],
  );

  const retry = useCallback(
    (item: OutgoingMessage) => {
      change(item.clientMsgId, { status: 'sending', error: undefined });
      void deliver(item.clientMsgId, item.text);
    },
    [deliver],
  );

  const discard = useCallback(
    (clientMsgId: string) => setOutbox((items) => items.filter((m) => m.clientMsgId !== clientMsgId)),
    [],
  );

  return { outbox, send, retry, discard };
}
