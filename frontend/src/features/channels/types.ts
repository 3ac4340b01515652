/** A channel or DM as `GET /api/channels` returns it (API.md, Channels). */
export interface Channel {
  name: string;
  kind: 'channel' | 'dm';
  topic: string;
  private: boolean;
  /** Whether the signed-in user is a member; a public channel can be previewed without. */
  member: boolean;
  /** Only for members. */
  role?: ChannelRole;
  /** Only for members: messages after the user's read marker. */
  unread?: number;
  lastMessageId: number | null;
  /** DMs only: every member's username, the caller's included. */
  members?: string[];
}

export type ChannelRole = 'owner' | 'member';

export interface Member {
  username: string;
  displayName: string;
  role: ChannelRole;
}

/** A person the page can name (from `GET /api/users`). */
export interface Person {
  username: string;
  displayName: string;
}

/** The part of a live message the channel list cares about. */
export interface IncomingMessage {
  id: number;
  channel?: string;
  user: string;
}

export const GENERAL = 'general';
/** A DM has the caller and 1..7 others. */
export const MAX_DM_OTHERS = 7;
export const CHANNEL_NAME_PATTERN = '^[a-z0-9][a-z0-9_\\-]{0,79}$';
export const MAX_TOPIC_LENGTH = 250;
