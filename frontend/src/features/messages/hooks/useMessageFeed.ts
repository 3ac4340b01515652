import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import { runLiveUpdates, type ConnectionState } from '../api/live-updates';
import { getLatestMessages, getMessagesBefore, messagesQueryKey } from '../api/messages';
import type { Message, MessagePage, MessageWindow } from '../types';
import { mergeMessages } from '../utils/merge';

const toWindow = (page: MessagePage): MessageWindow => ({ messages: page.messages, hasOlder: page.hasOlder });

/**
 * The channel's messages as one TanStack Query entry: the newest page first, then older pages (scroll-back),
 * live messages and sent messages merged in by id, so nothing shows twice.
 */
export function useMessageFeed(api: ApiClient) {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<ConnectionState>('connecting');

  const query = useQuery({
    queryKey: messagesQueryKey,
    queryFn: async ({ signal }) => toWindow(await getLatestMessages(api, signal)),
    // Kept current by the live feed below; a refetch would drop the older pages already loaded.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const update = useCallback(
    (change: (current: MessageWindow) => MessageWindow) =>
      queryClient.setQueryData<MessageWindow>(messagesQueryKey, (current) => current && change(current)),
    [queryClient],
  );

  const addMessages = useCallback(
    (incoming: Message[]) => update((w) => ({ ...w, messages: mergeMessages(w.messages, incoming) })),
    [update],
  );

  const older = useMutation({
    mutationFn: (before: number) => getMessagesBefore(api, before),
    onSuccess: (page) =>
      update((w) => ({ messages: mergeMessages(page.messages, w.messages), hasOlder: page.hasOlder })),
  });

  /** After `event: reset`: the newest page replaces what the page had, keeping what arrived meanwhile. */
  const reload = useCallback(async () => {
    const stale = new Set(
      queryClient.getQueryData<MessageWindow>(messagesQueryKey)?.messages.map((m) => m.id),
    );
    try {
      const page = await getLatestMessages(api);
      update((w) => ({
        messages: mergeMessages(
          page.messages,
          w.messages.filter((m) => !stale.has(m.id)),
        ),
        hasOlder: page.hasOlder,
      }));
    } catch {
      // The live feed reconnects and the server asks for a reset again if still needed.
    }
  }, [api, queryClient, update]);

  const ready = query.data !== undefined;
  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    const after = queryClient.getQueryData<MessageWindow>(messagesQueryKey)?.messages.at(-1)?.id ?? 0;
    runLiveUpdates(api, {
      after,
      onMessages: addMessages,
      onReset: () => void reload(),
      onState: setConnection,
      signal: controller.signal,
    }).catch(() => setConnection('offline'));
    return () => controller.abort();
  }, [api, ready, queryClient, addMessages, reload]);

  const oldestId = query.data?.messages[0]?.id;
  const { mutate: fetchOlder, isPending: loadingOlder } = older;
  const loadOlder = useCallback(() => {
    if (oldestId !== undefined && !loadingOlder) fetchOlder(oldestId);
  }, [oldestId, loadingOlder, fetchOlder]);

  return {
    messages: query.data?.messages ?? [],
    hasOlder: query.data?.hasOlder ?? false,
    status: query.status,
    error: query.error,
    retry: query.refetch,
    loadOlder,
    loadingOlder,
    loadOlderError: older.error,
    connection,
    addMessages,
  };
}
