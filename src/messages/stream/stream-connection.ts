import type { Response } from 'express';
import type { Message } from '../message.js';
import { sse } from './sse.js';

/**
 * One open event stream. While it replays stored messages it holds live ones back (`held`), then sends those it
 * has not sent yet, so that a resume has neither a gap nor a duplicate. A client that stops reading is cut off once
 * its unsent bytes pass `maxBufferedBytes`; it resumes with Last-Event-ID.
 */
export class StreamConnection {
  private held: Message[] | null = [];
  private lastSentId: number;

  constructor(
    readonly user: string,
    private readonly res: Response,
    private readonly maxBufferedBytes: number,
    lastSeenId = 0,
  ) {
    this.lastSentId = lastSeenId;
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** A live message; `frame` is its serialized event, shared by every connection. */
  deliver(message: Message, frame: string): void {
    if (this.held) this.held.push(message);
    else this.send(message, frame);
  }

  /** Sends a stored message during the replay. */
  replay(message: Message): void {
    this.send(message, sse.message(message));
  }

  /** Ends the replay: sends the held live messages not replayed already, then goes live. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const message of held) this.send(message, sse.message(message));
  }

  write(chunk: string): void {
    if (this.closed) return;
    this.res.write(chunk);
    if (this.res.writableLength > this.maxBufferedBytes) this.res.destroy();
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  private send(message: Message, frame: string): void {
    if (message.id <= this.lastSentId) return;
    this.lastSentId = message.id;
    this.write(frame);
  }
}
