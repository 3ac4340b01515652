import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';

/** What instances sharing a store tell each other: new messages, channel directory changes, account changes. */
export type Topic = 'messages' | 'directory' | 'users';
export const TOPICS: readonly Topic[] = ['messages', 'directory', 'users'];

/** Handles a notice; the notices of one instance's bus are handled one at a time, in the order they arrived. */
export type NoticeHandler = (payload: string) => Promise<void> | void;

/**
 * Notices between the instances that share one store (several processes behind a load balancer). An instance does
 * not hear its own notices. Delivery is at most once: a broken connection loses what was sent meanwhile, so every
 * subscriber also gets `reconnected` and reads the store again then. Handlers run one after another in arrival
 * order, so a channel made on one instance is known here before a message posted in it afterwards.
 */
export abstract class Bus {
  protected readonly logger = new Logger(this.constructor.name);
  /** Tells this process's notices from the others'. */
  protected readonly origin = randomUUID();
  private readonly handlers = new Map<Topic, NoticeHandler[]>();
  private readonly reconnectHandlers: (() => Promise<void> | void)[] = [];
  private inbox: Promise<void> = Promise.resolve();

  /** Sends `payload` (at most a few hundred bytes) to the other instances. */
  abstract publish(topic: Topic, payload: string): Promise<void>;

  abstract close(): Promise<void>;

  /** Whether other instances may exist; a bus without peers publishes nothing. */
  get shared(): boolean {
    return true;
  }

  subscribe(topic: Topic, handler: NoticeHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** After the connection came back: notices may have been lost, read the store again. */
  onReconnect(handler: () => Promise<void> | void): void {
    this.reconnectHandlers.push(handler);
  }

  /** The wire form of a notice: the origin, a space, the payload. */
  protected encode(payload: string): string {
    return `${this.origin} ${payload}`;
  }

  /** Queues a notice that arrived, unless it is this process's own. */
  protected received(topic: Topic, message: string): void {
    const space = message.indexOf(' ');
    if (message.slice(0, space) === this.origin) return;
    const payload = message.slice(space + 1);
    for (const handler of this.handlers.get(topic) ?? []) this.enqueue(() => handler(payload));
  }

  protected reconnected(): void {
    for (const handler of this.reconnectHandlers) this.enqueue(handler);
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.inbox = this.inbox
      .then(task)
      .catch((error: unknown) => this.logger.warn(`a notice failed: ${(error as Error).message}`));
  }
}

/** One instance alone (memory or SQLite store): nothing to tell anyone. */
export class LocalBus extends Bus {
  override get shared(): boolean {
    return false;
  }

  publish(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
