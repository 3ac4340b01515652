import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ApiClient } from '../../../lib/api-client';
import { channelsQueryKey, markRead } from '../api/channels';
import type { Channel } from '../types';

/** Messages arriving in a burst move the marker once. */
const MARK_READ_DELAY_MS = 300;

/**
 * The open channel is read: its unread count goes to 0 at once, and the server's read marker follows the newest
 * message shown (`POST /api/channels/:name/read`), for members only.
 */
export function useReadMarker(
  api: ApiClient,
  channel: string,
  member: boolean,
  newestId: number | undefined,
) {
  const queryClient = useQueryClient();
  const posted = useRef(new Map<string, number>());

  useEffect(() => {
    if (!member || newestId === undefined) return;
    queryClient.setQueryData<Channel[]>(channelsQueryKey, (channels) =>
      channels?.some((c) => c.name === channel && c.unread)
        ? channels.map((c) => (c.name === channel ? { ...c, unread: 0 } : c))
        : channels,
    );
    if ((posted.current.get(channel) ?? 0) >= newestId) return;
    const timer = setTimeout(() => {
      posted.current.set(channel, newestId);
      markRead(api, channel, newestId).catch(() => {
        // Not moved: the count comes back with the next list reload, and the next message tries again.
        posted.current.delete(channel);
      });
    }, MARK_READ_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, channel, member, newestId, queryClient]);
}
