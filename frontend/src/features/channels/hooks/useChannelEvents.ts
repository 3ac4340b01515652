import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { channelsQueryKey, membersQueryKey } from '../api/channels';
import { type Channel, type IncomingMessage } from '../types';
import { countIncoming } from '../utils/channels';

interface MembershipChange {
  channel: string;
  username: string;
}

function isMembershipChange(data: unknown): data is MembershipChange {
  if (typeof data !== 'object' || data === null) return false;
  const { channel, username } = data as Record<string, unknown>;
  return typeof channel === 'string' && typeof username === 'string';
}

export interface ChannelEventResult {
  /** The user was removed from (or left) this channel, which was the open one. */
  leftOpenChannel?: string;
}

/** What the one live stream does to the channel list, unread counts and member lists. */
export function useChannelEvents(me: string) {
  const queryClient = useQueryClient();

  const reload = useCallback(
    () => queryClient.invalidateQueries({ queryKey: channelsQueryKey }),
    [queryClient],
  );

  /** Live messages: unread counts of the channels that are not open. */
  const countMessages = useCallback(
    (messages: readonly IncomingMessage[], open: string) => {
      const current = queryClient.getQueryData<Channel[]>(channelsQueryKey);
      if (!current) return;
      const { channels, unknown } = countIncoming(current, messages, open);
      queryClient.setQueryData<Channel[]>(channelsQueryKey, channels);
      if (unknown.length > 0) void reload();
    },
    [queryClient, reload],
  );

  /** `channel-created`, `member-joined`, `member-left`: reload the list, and the members of the open channel. */
  const handleEvent = useCallback(
    (type: string, data: unknown, open: string): ChannelEventResult => {
      if (type === 'channel-created') {
        void reload();
        return {};
      }
      if ((type !== 'member-joined' && type !== 'member-left') || !isMembershipChange(data)) return {};
      void reload();
      if (type === 'member-left' && data.username === me) {
        // Its messages and members are not ours to keep any more (a private channel's would leak on screen).
        queryClient.removeQueries({ queryKey: membersQueryKey(data.channel) });
        queryClient.removeQueries({ queryKey: ['messages', data.channel] });
        return data.channel === open ? { leftOpenChannel: data.channel } : {};
      }
      if (data.channel === open) void queryClient.invalidateQueries({ queryKey: membersQueryKey(open) });
      return {};
    },
    [queryClient, me, reload],
  );

  return { countMessages, handleEvent, reload };
}
