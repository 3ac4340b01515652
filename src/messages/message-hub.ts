import type { Message } from './message.js';

export type MessageListener = (message: Message) => void;

/**
 * Fans stored messages out to live subscribers (streams, long polls). In-process for one instance; a later
 * adapter can carry it across instances.
 */
export abstract class MessageHub {
  abstract publish(message: Message): void;
  /** Returns the function that unsubscribes. */
  abstract subscribe(listener: MessageListener): () => void;
}

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
