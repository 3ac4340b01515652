import type { ChannelKind, ChannelRecord, MemberRole } from './channel.js';

/** A channel as the API shows it (API.md, Channels). */
export interface ChannelView {
  name: string;
  kind: ChannelKind;
  topic: string;
  private: boolean;
  member: boolean;
  role?: MemberRole;
  unread?: number;
  lastMessageId?: number | null;
  /** A DM's members (only for DMs). */
  members?: string[];
}

export function channelView(
  channel: ChannelRecord,
  extra: {
    member: boolean;
    role?: MemberRole;
    unread?: number;
    lastMessageId?: number | null;
    members?: string[];
  },
): ChannelView {
  return {
    name: channel.name,
    kind: channel.kind,
    topic: channel.topic,
    private: channel.private,
    ...extra,
  };
}
