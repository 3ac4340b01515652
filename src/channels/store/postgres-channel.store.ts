import type pg from 'pg';
import { openPostgres, transaction } from '../../storage/postgres.js';
import type { ChannelRecord, MemberRecord } from '../channel.js';
import { ChannelStore } from './channel-store.js';
import { type MemberRow, SELECT_MEMBERS, toChannel } from './sqlite-channel.store.js';

/** The channel directory in PostgreSQL (the messages' database). */
export class PostgresChannelStore extends ChannelStore {
  private closing?: Promise<void>;

  private constructor(private readonly pool: pg.Pool) {
    super();
  }

  static async open(url: string, poolSize?: number): Promise<PostgresChannelStore> {
    return new PostgresChannelStore(await openPostgres(url, poolSize));
  }

  async load(): Promise<{ channels: ChannelRecord[]; members: MemberRecord[] }> {
    const [channels, members] = await Promise.all([
      this.pool.query<Parameters<typeof toChannel>[0]>('SELECT * FROM channels'),
      this.pool.query<MemberRow>(SELECT_MEMBERS),
    ]);
    return { channels: channels.rows.map(toChannel), members: members.rows };
  }

  create(channel: ChannelRecord, members: MemberRecord[]): Promise<boolean> {
    return transaction(this.pool, async (client) => {
      const { name, kind, topic, createdBy, createdAt } = channel;
      const inserted = await client.query(
        'INSERT INTO channels VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING',
        [name, kind, topic, channel.private, createdBy, createdAt],
      );
      if (inserted.rowCount === 0) return false;
      for (const m of members) {
        await client.query('INSERT INTO channel_members VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          m.channel,
          m.username,
          m.role,
        ]);
      }
      return true;
    });
  }

  async addMember(member: MemberRecord): Promise<void> {
    await this.pool.query('INSERT INTO channel_members VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      member.channel,
      member.username,
      member.role,
    ]);
  }

  async removeMember(channel: string, username: string): Promise<void> {
    await this.pool.query('DELETE FROM channel_members WHERE channel = $1 AND username = $2', [
      channel,
      username,
    ]);
  }

  async readMarkers(username: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ channel: string; last_read_id: string }>(
      'SELECT channel, last_read_id FROM read_markers WHERE username = $1',
      [username],
    );
    return new Map(rows.map((r) => [r.channel, Number(r.last_read_id)]));
  }

  async markRead(channel: string, username: string, lastReadId: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO read_markers VALUES ($1, $2, $3) ON CONFLICT (channel, username) ' +
        'DO UPDATE SET last_read_id = GREATEST(read_markers.last_read_id, excluded.last_read_id)',
      [channel, username, lastReadId],
    );
  }

  override close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
