import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import {
  addMember,
  channelsQueryKey,
  createChannel,
  getChannels,
  getMembers,
  joinChannel,
  leaveChannel,
  membersQueryKey,
  openDm,
  removeMember,
  type NewChannel,
} from '../api/channels';
import type { Channel } from '../types';

/** Every channel the user can see, with unread counts; kept current by the stream (see useChannelEvents). */
export function useChannels(api: ApiClient) {
  return useQuery({
    queryKey: channelsQueryKey,
    queryFn: ({ signal }) => getChannels(api, signal),
  });
}

export function useChannelMembers(api: ApiClient, channel: string, enabled: boolean) {
  return useQuery({
    queryKey: membersQueryKey(channel),
    queryFn: ({ signal }) => getMembers(api, channel, signal),
    enabled,
  });
}

/** Puts a channel the server just returned into the list at once; the refetch after it fills in the rest. */
function upsert(channels: Channel[] | undefined, channel: Channel): Channel[] | undefined {
  if (!channels) return channels;
  const others = channels.filter((c) => c.name !== channel.name);
  return [...others, channel].sort(
    (a, b) => Number(a.kind === 'dm') - Number(b.kind === 'dm') || a.name.localeCompare(b.name),
  );
}

/** Create, join, leave, open a DM, add and remove members: each updates the lists it changes. */
export function useChannelActions(api: ApiClient) {
  const queryClient = useQueryClient();
  const refreshChannels = () => queryClient.invalidateQueries({ queryKey: channelsQueryKey });
  const took = (channel: Channel) => {
    queryClient.setQueryData<Channel[]>(channelsQueryKey, (list) => upsert(list, channel));
    return refreshChannels();
  };

  const create = useMutation({
    mutationFn: (channel: NewChannel) => createChannel(api, channel),
    onSuccess: took,
  });
  const join = useMutation({
    mutationFn: (name: string) => joinChannel(api, name),
    onSuccess: (channel) => {
      void queryClient.invalidateQueries({ queryKey: membersQueryKey(channel.name) });
      return took(channel);
    },
  });
  const leave = useMutation({
    mutationFn: (name: string) => leaveChannel(api, name),
    onSuccess: (_, name) => {
      queryClient.removeQueries({ queryKey: membersQueryKey(name) });
      return refreshChannels();
    },
  });
  const dm = useMutation({
    mutationFn: (users: string[]) => openDm(api, users),
    onSuccess: took,
  });
  const add = useMutation({
    mutationFn: ({ channel, username }: { channel: string; username: string }) =>
      addMember(api, channel, username),
    onSuccess: (_, { channel }) => queryClient.invalidateQueries({ queryKey: membersQueryKey(channel) }),
  });
  const remove = useMutation({
    mutationFn: ({ channel, username }: { channel: string; username: string }) =>
      removeMember(api, channel, username),
    onSuccess: (_, { channel }) => queryClient.invalidateQueries({ queryKey: membersQueryKey(channel) }),
  });

  return { create, join, leave, dm, add, remove };
}
