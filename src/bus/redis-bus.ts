import { Redis } from 'ioredis';
import { Bus, TOPICS, type Topic } from './bus.js';

/**
 * The bus over Redis pub/sub (measured against PostgreSQL's in docs/SCALING.md). ioredis reconnects and subscribes
 * again by itself; each time it is ready again after a loss, subscribers read the store again. Channels are named
 * after the deployment's key prefix (REDIS_PREFIX).
 */
export class RedisBus extends Bus {
  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  static async open(url: string, prefix: string): Promise<RedisBus> {
    const publisher = new Redis(url, { lazyConnect: true });
    const subscriber = new Redis(url, { lazyConnect: true });
    const bus = new RedisBus(publisher, subscriber, prefix);
    for (const client of [publisher, subscriber]) {
      client.on('error', (error: Error) => bus.logger.warn(`Redis: ${error.message}`));
    }
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      const topicOf = new Map(TOPICS.map((t) => [bus.channel(t), t]));
      subscriber.on('message', (channel: string, message: string) => {
        const topic = topicOf.get(channel);
        if (topic) bus.received(topic, message);
      });
      await subscriber.subscribe(...topicOf.keys());
      let lost = false;
      subscriber.on('close', () => (lost = true));
      subscriber.on('ready', () => {
        if (lost) bus.reconnected();
        lost = false;
      });
      return bus;
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw error;
    }
  }

  async publish(topic: Topic, payload: string): Promise<void> {
    await this.publisher.publish(this.channel(topic), this.encode(payload));
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  private channel(topic: Topic): string {
    return `${this.prefix}:bus:${topic}`;
  }
}
