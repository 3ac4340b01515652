import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import { getLatestMessages, messagesQueryKey } from '../api/messages';
import { DEFAULT_CHANNEL, type Message, type MessageWindow } from '../types';
import { mergeMessages } from '../utils/merge';

/**
 * A window with `incoming` merged in; `undefined` (leave it alone) for a window not loaded yet, whose first read
 * and the catch-up read after it bring them (see useMessageFeed), and for one that does not reach the newest.
 */
export function withMessages(
  current: MessageWindow | undefined,
  incoming: readonly Message[],
): MessageWindow | undefined {
  if (!current || current.hasNewer || incoming.length === 0) return undefined;
  return { ...current, messages: mergeMessages(current.messages, incoming) };
}

/** Merges messages into every window of a channel: its newest messages, and one opened at a search result. */
function addChannelMessages(queryClient: QueryClient, channel: string, incoming: Message[]): void {
  queryClient.setQueriesData<MessageWindow>({ queryKey: messagesQueryKey(channel) }, (current) =>
    withMessages(current, incoming),
  );
}

/** Messages by the channel they belong to (`general` for a server that does not say). */
export function byChannel(messages: readonly Message[]): Map<string, Message[]> {
  const groups = new Map<string, Message[]>();
  for (const message of messages) {
    const channel = message.channel ?? DEFAULT_CHANNEL;
    const group = groups.get(channel);
    if (group) group.push(message);
    else groups.set(channel, [message]);
  }
  return groups;
}

/** What the one live stream does to the message caches of every channel. */
export function useMessageCache(api: ApiClient) {
  const queryClient = useQueryClient();

  /** Each live message into the cache of its own channel. */
  const deliver = useCallback(
    (messages: Message[]) => {
      for (const [channel, group] of byChannel(messages)) addChannelMessages(queryClient, channel, group);
    },
    [queryClient],
  );

  /**
   * After `event: reset` (messages the page missed may be gone): the open channel's newest page replaces what
   * it showed, keeping what arrived meanwhile; the other channels are forgotten and load afresh when opened.
   * A window opened at a search result in the open channel loads again.
   */
  const reset = useCallback(
    async (openChannel: string) => {
      queryClient.removeQueries({
        queryKey: ['messages'],
        predicate: (query) => query.queryKey[1] !== openChannel,
      });
      const key = messagesQueryKey(openChannel);
      void queryClient.invalidateQueries({
        queryKey: key,
        predicate: (query) => query.queryKey.length > key.length,
      });
      const stale = new Set(queryClient.getQueryData<MessageWindow>(key)?.messages.map((m) => m.id));
      try {
        const page = await getLatestMessages(api, openChannel);
        queryClient.setQueryData<MessageWindow>(
          key,
          (w) =>
            w && {
              ...w,
              messages: mergeMessages(
                page.messages,
                w.messages.filter((m) => !stale.has(m.id)),
              ),
              hasOlder: page.hasOlder,
            },
        );
      } catch {
        // The live feed reconnects and the server asks for a reset again if still needed.
      }
    },
    [api, queryClient],
  );

  return { deliver, reset };
}
