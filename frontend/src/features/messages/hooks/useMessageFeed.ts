import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { ApiError, type ApiClient } from '../../../lib/api-client';
import {
  getLatestMessages,
  getMessagesAfter,
  getMessagesAround,
  getMessagesBefore,
  messagesAroundQueryKey,
  messagesQueryKey,
} from '../api/messages';
import type { Message, MessagePage, MessageWindow } from '../types';
import { mergeMessages } from '../utils/merge';
import { withMessages } from './useMessageCache';

const toWindow = (page: MessagePage): MessageWindow => ({
  messages: page.messages,
  hasOlder: page.hasOlder,
  hasNewer: false,
});

const windowKey = (channel: string, around: number | undefined) =>
  around === undefined ? messagesQueryKey(channel) : messagesAroundQueryKey(channel, around);

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
  /** Opens the channel at this message, with the messages around it (a search result), not at the newest. */
  around?: number;
}

/**
 * One channel's messages as one TanStack Query entry: the newest page first (or the messages around `around`),
 * then older pages (scroll-back), live messages and sent messages merged in by id, so nothing shows twice.
 */
export function useMessageFeed(api: ApiClient, channel: string, { live, around }: FeedOptions) {
  const queryClient = useQueryClient();

  const query = useQuery({
    queryKey: windowKey(channel, around),
    queryFn: async ({ signal }) =>
      around === undefined
        ? toWindow(await getLatestMessages(api, channel, signal))
        : getMessagesAround(api, channel, around, signal),
    // Kept current by the live stream; a refetch would drop the older pages already loaded.
    staleTime: Infinity,
    // A window opened at a search result is kept only while it is shown.
    ...(around !== undefined && { gcTime: 0 }),
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const addMessages = useCallback(
    (incoming: Message[]) =>
      queryClient.setQueryData<MessageWindow>(windowKey(channel, around), (w) => withMessages(w, incoming)),
    [queryClient, channel, around],
  );

  const older = useMutation({
    mutationFn: (before: number) => getMessagesBefore(api, channel, before),
    onSuccess: (page) =>
      queryClient.setQueryData<MessageWindow>(
        windowKey(channel, around),
        (w) => w && { ...w, messages: mergeMessages(page.messages, w.messages), hasOlder: page.hasOlder },
      ),
  });

  // Live messages that arrived while the first page was on its way had no cache to land in: read what is newer
  // than that page once (and, for a previewed channel, keep reading with a long poll). A window that does not
  // reach the newest message is not followed.
  const following = query.data !== undefined && !query.data.hasNewer;
  useEffect(() => {
    if (!following) return;
    const controller = new AbortController();
    const { signal } = controller;
    const newestId = () =>
      queryClient.getQueryData<MessageWindow>(windowKey(channel, around))?.messages.at(-1)?.id ?? 0;
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
  }, [api, channel, around, live, following, queryClient, addMessages]);

  const oldestId = query.data?.messages[0]?.id;
  const { mutate: fetchOlder, isPending: loadingOlder } = older;
  const loadOlder = useCallback(() => {
    if (oldestId !== undefined && !loadingOlder) fetchOlder(oldestId);
  }, [oldestId, loadingOlder, fetchOlder]);

  return {
    messages: query.data?.messages ?? [],
    hasOlder: query.data?.hasOlder ?? false,
    hasNewer: query.data?.hasNewer ?? false,
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
