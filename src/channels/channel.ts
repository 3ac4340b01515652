export type ChannelKind = 'channel' | 'dm';
export type MemberRole = 'owner' | 'member';

/** A channel or DM as the store keeps it. */
export interface ChannelRecord {
  name: string;
  kind: ChannelKind;
  topic: string;
  private: boolean;
  createdBy: string;
  createdAt: number;
}

export interface MemberRecord {
  channel: string;
  username: string;
  role: MemberRole;
}
