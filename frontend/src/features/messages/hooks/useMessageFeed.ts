import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { ApiError, type ApiClient } from '../../../lib/api-client';
import { getLatestMessages, getMessagesAfter, getMessagesBefore, messagesQueryKey } from '../api/messages';
import type { Message, MessagePage, MessageWindow } from '../types';
import { mergeMessages } from '../utils/merge';
import { addChannelMessages } from './useMessageCache';

const toWindow = (page: MessagePage): MessageWindow => ({ messages: page.messages, hasOlder: page.hasOlder });

/** How long one long-poll read of a previewed channel waits for news, in seconds (the server allows 30). */
const LONG_POLL_SECONDS = 25;
/** Pause after a failed long poll. */
const POLL_RETRY_MS = 3000;
/** A long poll that comes back empty sooner than this was not held (a server that ignores `wait`): pause. */
const MIN_POLL_MS = 1000;

export interface FeedOptions {
  /**
   * `stream`: the channel's messages arrive through the app's one stream (the user is a member);
   * `poll`: the user previews a public channel, which the stream does not carry, so the feed long-polls it.
   */
  live: 'stream' | 'poll';
}

/**
 * One channel's messages as one TanStack Query entry: the newest page first, then older pages (scroll-back),
 * live messages and sent messages merged in by id, so nothing shows twice.
 */
export function useMessageFeed(api: ApiClient, channel: string, { live }: FeedOptions) {
  const queryClient = useQueryClient();
  const key = messagesQueryKey(channel);

  const query = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => toWindow(await getLatestMessages(api, channel, signal)),
    // Kept current by the live stream; a refetch would drop the older pages already loaded.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const addMessages = useCallback(
    (incoming: Message[]) => addChannelMessages(queryClient, channel, incoming),
    [queryClient, channel],
  );

  const older = useMutation({
    mutationFn: (before: number) => getMessagesBefore(api, channel, before),
    onSuccess: (page) =>
      queryClient.setQueryData<MessageWindow>(
        messagesQueryKey(channel),
        (w) => w && { messages: mergeMessages(page.messages, w.messages), hasOlder: page.hasOlder },
      ),
  });

  // Live messages that arrived while the first page was on its way had no cache to land in: read what is newer
  // than that page once (and, for a previewed channel, keep reading with a long poll).
  const ready = query.data !== undefined;
  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    const { signal } = controller;
    const newestId = () =>
      queryClient.getQueryData<MessageWindow>(messagesQueryKey(channel))?.messages.at(-1)?.id ?? 0;
    const follow = async () => {
      do {
        try {
          const wait = live === 'poll' ? LONG_POLL_SECONDS : undefined;
          const startedAt = Date.now();
          const page = await getMessagesAfter(api, channel, newestId(), signal, wait);
          addMessages(page.messages);
          if (wait && page.messages.length === 0 && Date.now() - startedAt < MIN_POLL_MS) {
            await sleep(MIN_POLL_MS, signal);
          }
        } catch (error) {
          if (signal.aborted || (error instanceof ApiError && error.status >= 400 && error.status < 500))
            return;
          await sleep(POLL_RETRY_MS, signal);
        }
      } while (live === 'poll' && !signal.aborted);
    };
    void follow();
    return () => controller.abort();
  }, [api, channel, live, ready, queryClient, addMessages]);

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
    addMessages,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
