import { useCallback, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import { describeApiError } from '../../../lib/errors';
import { sendMessage } from '../api/messages';
import type { Message, OutgoingMessage } from '../types';
import { newClientMsgId } from '../utils/draft';

/**
 * Messages on their way to the server. Each keeps its `clientMsgId` for life, so a retry after a lost answer
 * gets the stored original back instead of a second copy.
 */
export function useOutbox(api: ApiClient, channel: string, onSent: (messages: Message[]) => void) {
  const [outbox, setOutbox] = useState<OutgoingMessage[]>([]);

  const change = (clientMsgId: string, patch: Partial<OutgoingMessage>) =>
    setOutbox((items) => items.map((m) => (m.clientMsgId === clientMsgId ? { ...m, ...patch } : m)));

  const deliver = useCallback(
    async (clientMsgId: string, text: string) => {
      try {
        const message = await sendMessage(api, channel, text, clientMsgId);
        onSent([message]);
        setOutbox((items) => items.filter((m) => m.clientMsgId !== clientMsgId));
      } catch (error) {
        change(clientMsgId, { status: 'failed', error: describeApiError(error) });
      }
    },
    [api, channel, onSent],
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
