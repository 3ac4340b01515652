import type { ApiClient } from '../../../lib/api-client';
import type { Channel, Member } from '../types';

export const channelsQueryKey = ['channels'] as const;
export const membersQueryKey = (channel: string) => ['members', channel] as const;

const channelPath = (name: string) => `/api/channels/${encodeURIComponent(name)}`;

export async function getChannels(api: ApiClient, signal?: AbortSignal): Promise<Channel[]> {
  return (await api.get<{ channels: Channel[] }>('/api/channels', {}, signal)).channels;
}

export interface NewChannel {
  name: string;
  topic: string;
  private: boolean;
}

export function createChannel(api: ApiClient, channel: NewChannel): Promise<Channel> {
  return api.post<Channel>('/api/channels', channel);
}

export function joinChannel(api: ApiClient, name: string): Promise<Channel> {
  return api.post<Channel>(`${channelPath(name)}/join`, {});
}

export function leaveChannel(api: ApiClient, name: string): Promise<void> {
  return api.post<void>(`${channelPath(name)}/leave`, {});
}

export async function getMembers(api: ApiClient, name: string, signal?: AbortSignal): Promise<Member[]> {
  return (await api.get<{ members: Member[] }>(`${channelPath(name)}/members`, {}, signal)).members;
}

export function addMember(api: ApiClient, name: string, username: string): Promise<Member> {
  return api.post<Member>(`${channelPath(name)}/members`, { username });
}

export function removeMember(api: ApiClient, name: string, username: string): Promise<void> {
  return api.delete(`${channelPath(name)}/members/${encodeURIComponent(username)}`);
}

/** Moves the read marker forward to `lastReadId` (the server never moves it back). */
export function markRead(api: ApiClient, name: string, lastReadId: number): Promise<void> {
  return api.post<void>(`${channelPath(name)}/read`, { lastReadId });
}

/** Finds or creates the DM of exactly these people and the caller. */
export function openDm(api: ApiClient, users: string[]): Promise<Channel> {
  return api.post<Channel>('/api/dms', { users });
}
