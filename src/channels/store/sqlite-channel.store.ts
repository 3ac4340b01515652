import type Database from 'better-sqlite3';
import { openSqlite, type SqliteSynchronous } from '../../storage/sqlite.js';
import type { ChannelRecord, ChannelKind, MemberRecord, MemberRole } from '../channel.js';
import { ChannelStore } from './channel-store.js';

interface ChannelRow {
  name: string;
  kind: ChannelKind;
  topic: string;
  private: number | boolean;
  created_by: string;
  created_ms: number | string;
}

/** A `channels` row of either SQL store. */
export function toChannel(row: ChannelRow): ChannelRecord {
  return {
    name: row.name,
    kind: row.kind,
    topic: row.topic,
    private: Boolean(row.private),
    createdBy: row.created_by,
    createdAt: Number(row.created_ms),
  };
}

export const SELECT_MEMBERS = 'SELECT channel, username, role FROM channel_members';
export type MemberRow = { channel: string; username: string; role: MemberRole };

/** The channel directory in SQLite (the messages' database file). */
export class SqliteChannelStore extends ChannelStore {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(path: string, synchronous?: SqliteSynchronous) {
    super();
    this.db = openSqlite(path, synchronous);
    const db = this.db;
    this.sql = {
      channels: db.prepare<[], ChannelRow>('SELECT * FROM channels'),
      members: db.prepare<[], MemberRow>(SELECT_MEMBERS),
      insertChannel: db.prepare<[string, string, string, number, string, number]>(
        'INSERT INTO channels VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      addMember: db.prepare<[string, string, string]>(
        'INSERT INTO channel_members VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      removeMember: db.prepare<[string, string]>(
        'DELETE FROM channel_members WHERE channel = ? AND username = ?',
      ),
      markers: db.prepare<[string], { channel: string; last_read_id: number }>(
        'SELECT channel, last_read_id FROM read_markers WHERE username = ?',
      ),
      markRead: db.prepare<[string, string, number]>(
        'INSERT INTO read_markers VALUES (?, ?, ?) ON CONFLICT (channel, username) ' +
          'DO UPDATE SET last_read_id = max(last_read_id, excluded.last_read_id)',
      ),
    };
  }

  load(): Promise<{ channels: ChannelRecord[]; members: MemberRecord[] }> {
    return Promise.resolve({
      channels: this.sql.channels.all().map(toChannel),
      members: this.sql.members.all(),
    });
  }

  create(channel: ChannelRecord, members: MemberRecord[]): Promise<boolean> {
    const created = this.db.transaction(() => {
      const { name, kind, topic, createdBy, createdAt } = channel;
      if (
        this.sql.insertChannel.run(name, kind, topic, channel.private ? 1 : 0, createdBy, createdAt)
          .changes === 0
      ) {
        return false;
      }
      for (const m of members) this.sql.addMember.run(m.channel, m.username, m.role);
      return true;
    })();
    return Promise.resolve(created);
  }

  addMember(member: MemberRecord): Promise<void> {
    this.sql.addMember.run(member.channel, member.username, member.role);
    return Promise.resolve();
  }

  removeMember(channel: string, username: string): Promise<void> {
    this.sql.removeMember.run(channel, username);
    return Promise.resolve();
  }

  readMarkers(username: string): Promise<Map<string, number>> {
    return Promise.resolve(new Map(this.sql.markers.all(username).map((r) => [r.channel, r.last_read_id])));
  }

  markRead(channel: string, username: string, lastReadId: number): Promise<void> {
    this.sql.markRead.run(channel, username, lastReadId);
    return Promise.resolve();
  }

  override close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}
