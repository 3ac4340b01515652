import { Logger } from '@nestjs/common';
import type { Bus } from '../bus/bus.js';
import { coalesce } from '../common/coalesce.js';
import type { Message } from './message.js';
import type { MessageStore } from './store/message-store.js';

export type MessageListener = (message: Message) => void;

/** Fans stored messages out to live subscribers (streams, long polls), in id order. */
export abstract class MessageHub {
  /** Called once the message is stored. */
  abstract publish(message: Message): void;
  /** Returns the function that unsubscribes. */
  abstract subscribe(listener: MessageListener): () => void;
  /** Stops passing messages on; called at shutdown, before the store closes. */
  close(): void {}
}

/** One instance alone: the messages stored here are all there are. */
export class InProcessMessageHub extends MessageHub {
  private readonly listeners = new Set<MessageListener>();

  publish(message: Message): void {
    for (const listener of this.listeners) listener(message);
  }

  subscribe(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Messages read per store query while catching up. */
const CATCH_UP_BATCH = 500;
const RETRY_MS = 1000;

/**
 * The hub of instances sharing one store. A message stored anywhere, here too, is read back from the store after the
 * last id passed on and given to this instance's subscribers, so they get every message once and in id order. The
 * bus carries only "something new" notices: a lost notice costs nothing once the next one or a reconnect comes. The
 * store places every message after all committed ones (MessageStore.append), so reading after the last id passed on
 * never skips a message that commits later.
 */
export class SharedMessageHub extends MessageHub {
  private readonly logger = new Logger(SharedMessageHub.name);
  private readonly listeners = new Set<MessageListener>();
  private passedOn = 0;
  private closed = false;
  private readonly catchUp = coalesce(() => this.passOnNew());

  private constructor(
    private readonly store: MessageStore,
    private readonly bus: Bus,
    private readonly notBefore: () => number,
  ) {
    super();
    bus.subscribe('messages', () => this.catchUp());
    bus.onReconnect(() => this.catchUp());
  }

  /** A hub that passes on the messages stored from now on. */
  static async start(store: MessageStore, bus: Bus, notBefore: () => number): Promise<SharedMessageHub> {
    const hub = new SharedMessageHub(store, bus, notBefore);
    hub.passedOn = await store.lastId();
    return hub;
  }

  publish(message: Message): void {
    void this.catchUp();
    this.bus
      .publish('messages', String(message.id))
      .catch((error: Error) => this.logger.warn(`cannot tell the other instances: ${error.message}`));
  }

  subscribe(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  override close(): void {
    this.closed = true;
  }

  private async passOnNew(): Promise<void> {
    if (this.closed) return;
    try {
      for (;;) {
        const messages = await this.store.afterAny(this.passedOn, CATCH_UP_BATCH, this.notBefore());
        for (const message of messages) {
          this.passedOn = message.id;
          for (const listener of this.listeners) listener(message);
        }
        if (messages.length < CATCH_UP_BATCH) return;
      }
    } catch (error) {
      if (this.closed) return;
      this.logger.warn(`cannot read new messages (${(error as Error).message}); trying again`);
      setTimeout(() => void this.catchUp(), RETRY_MS).unref();
    }
  }
}
