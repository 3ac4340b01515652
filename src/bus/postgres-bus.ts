import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Bus, TOPICS, type Topic } from './bus.js';

const RECONNECT_MS = { first: 200, max: 5000 };

/**
 * The bus over PostgreSQL LISTEN/NOTIFY, on the database the store uses: no other service to run. One connection
 * listens (and reconnects with backoff); notices go out on a small pool. Channel names carry a hash of the database
 * and schema, so that stores in other schemas of the same database do not hear each other.
 */
export class PostgresBus extends Bus {
  private listener?: pg.Client;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly namespace: string,
  ) {
    super();
  }

  static async open(url: string): Promise<PostgresBus> {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const { rows } = await pool.query<{ where: string }>(
        "SELECT current_database() || '.' || current_schema() AS where",
      );
      const namespace = createHash('sha256').update(rows[0].where).digest('hex').slice(0, 12);
      const bus = new PostgresBus(url, pool, namespace);
      await bus.listen();
      return bus;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async publish(topic: Topic, payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channel(topic), this.encode(payload)]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.listener?.end(), this.pool.end()]);
  }

  private channel(topic: Topic): string {
    return `chat_${this.namespace}_${topic}`;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    const topicOf = new Map(TOPICS.map((t) => [this.channel(t), t]));
    client.on('notification', ({ channel, payload }) => {
      const topic = topicOf.get(channel);
      if (topic && payload !== undefined) this.received(topic, payload);
    });
    try {
      await client.connect();
      for (const channel of topicOf.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost || this.closed) return;
      lost = true;
      this.logger.warn(`listening connection lost (${error?.message ?? 'ended'}); reconnecting`);
      void client.end().catch(() => undefined);
      void this.reconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    this.listener = client;
  }

  private async reconnect(): Promise<void> {
    for (let delay = RECONNECT_MS.first; !this.closed; delay = Math.min(delay * 2, RECONNECT_MS.max)) {
      await sleep(delay);
      try {
        await this.listen();
        this.logger.log('listening again');
        this.reconnected();
        return;
      } catch (error) {
        this.logger.warn(`cannot listen yet: ${(error as Error).message}`);
      }
    }
  }
}
