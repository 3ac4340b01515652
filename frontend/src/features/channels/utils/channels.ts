import { GENERAL, type Channel, type IncomingMessage, type Person } from '../types';

/** `#design` for a channel; the other members' names for a DM (its `dm-…` name means nothing to people). */
export function channelTitle(
  channel: Pick<Channel, 'name' | 'kind' | 'members'>,
  me: string,
  displayNameOf: (username: string) => string,
): string {
  if (channel.kind !== 'dm') return `#${channel.name}`;
  const others = (channel.members ?? []).filter((u) => u !== me);
  if (others.length === 0) return displayNameOf(me);
  return others.map(displayNameOf).join(', ');
}

/**
 * The channel list after live messages arrived: each one not in the open channel counts as unread in its channel
 * (which the user is a member of, since the stream carried it). The user's own messages sent elsewhere (another
 * tab, the CLI) count too, as the server counts everything after the read marker: a reload then agrees.
 * `unknown` lists channels the list does not have yet (a DM someone just opened): the caller reloads the list.
 */
export function countIncoming(
  channels: readonly Channel[],
  messages: readonly IncomingMessage[],
  open: string,
): { channels: Channel[]; unknown: string[] } {
  const added = new Map<string, { unread: number; lastId: number }>();
  for (const message of messages) {
    const name = message.channel ?? GENERAL;
    const entry = added.get(name) ?? { unread: 0, lastId: 0 };
    if (name !== open) entry.unread += 1;
    entry.lastId = Math.max(entry.lastId, message.id);
    added.set(name, entry);
  }
  const known = new Set(channels.map((c) => c.name));
  const next = channels.map((channel) => {
    const entry = added.get(channel.name);
    if (!entry) return channel;
    return {
      ...channel,
      unread: (channel.unread ?? 0) + entry.unread,
      lastMessageId: Math.max(channel.lastMessageId ?? 0, entry.lastId),
    };
  });
  return { channels: next, unknown: [...added.keys()].filter((name) => !known.has(name)) };
}

/** Owners of a channel and admins may add and remove its members; `general` and DMs have fixed members. */
export function canManageMembers(channel: Channel, appRole: string | undefined): boolean {
  if (channel.kind === 'dm' || channel.name === GENERAL) return false;
  return channel.role === 'owner' || appRole === 'admin';
}

/** Members can leave any channel but `general`; DMs cannot be left. */
export function canLeave(channel: Channel): boolean {
  return channel.member && channel.kind === 'channel' && channel.name !== GENERAL;
}

/** The newest id among the channels: where the stream resumes so nothing after this list is missed. */
export function newestMessageId(channels: readonly Channel[]): number {
  return channels.reduce((newest, c) => Math.max(newest, c.lastMessageId ?? 0), 0);
}

export function sortPeople<T extends Person>(people: readonly T[]): T[] {
  return [...people].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
