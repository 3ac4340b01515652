import type { ChannelRecord, MemberRecord } from '../channel.js';
import { ChannelStore } from './channel-store.js';

/** `general` as every store starts with it. */
export const GENERAL_RECORD: ChannelRecord = {
  name: 'general',
  kind: 'channel',
  topic: '',
  private: false,
  createdBy: 'system',
  createdAt: 0,
};

/** The channel directory for the process lifetime (`STORE=memory`). */
export class MemoryChannelStore extends ChannelStore {
  private readonly channels = new Map<string, ChannelRecord>([['general', GENERAL_RECORD]]);
  private readonly members = new Map<string, MemberRecord>();
  private readonly markers = new Map<string, number>();

  load(): Promise<{ channels: ChannelRecord[]; members: MemberRecord[] }> {
    return Promise.resolve({ channels: [...this.channels.values()], members: [...this.members.values()] });
  }

  create(channel: ChannelRecord, members: MemberRecord[]): Promise<boolean> {
    if (this.channels.has(channel.name)) return Promise.resolve(false);
    this.channels.set(channel.name, channel);
    for (const member of members) this.members.set(key(member.channel, member.username), member);
    return Promise.resolve(true);
  }

  addMember(member: MemberRecord): Promise<void> {
    const k = key(member.channel, member.username);
    if (!this.members.has(k)) this.members.set(k, member);
    return Promise.resolve();
  }

  removeMember(channel: string, username: string): Promise<void> {
    this.members.delete(key(channel, username));
    return Promise.resolve();
  }

  readMarkers(username: string): Promise<Map<string, number>> {
    const markers = new Map<string, number>();
    for (const [k, id] of this.markers) {
      const [channel, user] = k.split('\n');
      if (user === username) markers.set(channel, id);
    }
    return Promise.resolve(markers);
  }

  markRead(channel: string, username: string, lastReadId: number): Promise<void> {
    const k = key(channel, username);
    this.markers.set(k, Math.max(this.markers.get(k) ?? 0, lastReadId));
    return Promise.resolve();
  }
}

function key(channel: string, username: string): string {
  return `${channel}\n${username}`;
}
