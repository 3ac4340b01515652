import type { ChannelRecord, MemberRecord } from '../channel.js';

/**
 * The storage port of the channel directory: channels, their members, and per-user read markers. The directory
 * reads it whole at start and writes through it; `general` is a row of its own and has no member rows.
 */
export abstract class ChannelStore {
  abstract load(): Promise<{ channels: ChannelRecord[]; members: MemberRecord[] }>;

  /** Creates the channel with its first members; false, and nothing changed, when the name is taken. */
  abstract create(channel: ChannelRecord, members: MemberRecord[]): Promise<boolean>;

  /** Adds a member, or changes nothing when they are one already. */
  abstract addMember(member: MemberRecord): Promise<void>;

  abstract removeMember(channel: string, username: string): Promise<void>;

  /** The user's read markers: the last message id read, by channel. */
  abstract readMarkers(username: string): Promise<Map<string, number>>;

  /** Moves the user's read marker of `channel` to `lastReadId`, never back. */
  abstract markRead(channel: string, username: string, lastReadId: number): Promise<void>;

  close(): Promise<void> {
    return Promise.resolve();
  }
}
