import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import { channelsQueryKey, markRead } from '../api/channels';
import type { Channel } from '../types';

/** Messages arriving in a burst move the marker once. */
const MARK_READ_DELAY_MS = 300;

/**
 * The open channel is read: its unread count goes to 0 at once, and the server's read marker follows the newest
 * message shown (`POST /api/channels/:name/read`), for members only. Leaving the channel sends a pending move at
 * once, so a quick look counts too.
 */
export function useReadMarker(
  api: ApiClient,
  channel: string,
  member: boolean,
  newestId: number | undefined,
) {
  const queryClient = useQueryClient();
  const posted = useRef(new Map<string, number>());
  const pending = useRef<{ channel: string; id: number }>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const move = pending.current;
    pending.current = undefined;
    if (!move) return;
    posted.current.set(move.channel, move.id);
    markRead(api, move.channel, move.id).catch(() => {
      // Not moved: the count comes back with the next list reload, and the next message tries again.
      if (posted.current.get(move.channel) === move.id) posted.current.delete(move.channel);
    });
  }, [api]);

  useEffect(() => {
    if (!member || newestId === undefined) return;
    queryClient.setQueryData<Channel[]>(channelsQueryKey, (channels) =>
      channels?.some((c) => c.name === channel && c.unread)
        ? channels.map((c) => (c.name === channel ? { ...c, unread: 0 } : c))
        : channels,
    );
    if ((posted.current.get(channel) ?? 0) >= newestId) return;
    pending.current = { channel, id: newestId };
    timer.current ??= setTimeout(flush, MARK_READ_DELAY_MS);
  }, [channel, member, newestId, flush, queryClient]);

  // Switching channels (or leaving the page) sends what is pending for the channel left behind.
  useEffect(() => flush, [channel, flush]);
}
