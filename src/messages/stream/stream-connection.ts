import type { Socket } from 'node:net';
import type { Response } from 'express';
import type { Message } from '../message.js';
import { httpChunk, sse } from './sse.js';

/**
 * One open event stream. While it replays stored messages it holds live ones back (`held`), then sends those it
 * has not sent yet, so that a resume has neither a gap nor a duplicate. A client that stops reading is cut off once
 * its unsent bytes pass `maxBufferedBytes`; it resumes with Last-Event-ID.
 *
 * Events go straight to the socket as ready-made HTTP chunks (see httpChunk), so that a broadcast writes the same
 * bytes to every connection without per-connection work; `end()` lets Node write the closing chunk.
 */
export class StreamConnection {
  private held: Message[] | null = [];
  private lastSentId: number;
  private readonly socket: Socket;

  constructor(
    readonly user: string,
    private readonly res: Response,
    private readonly maxBufferedBytes: number,
    lastSeenId = 0,
  ) {
    this.lastSentId = lastSeenId;
    res.flushHeaders();
    this.socket = res.socket as Socket;
  }

  get closed(): boolean {
    return this.socket.destroyed || this.res.writableEnded;
  }

  /** A live message; `chunk` is its event as an HTTP chunk, shared by every connection. */
  deliver(message: Message, chunk: Buffer): void {
    if (this.held) this.held.push(message);
    else this.send(message, chunk);
  }

  /** Sends a stored message during the replay. */
  replay(message: Message): void {
    this.send(message, httpChunk(sse.message(message)));
  }

  /** Ends the replay: sends the held live messages not replayed already, then goes live. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const message of held) this.replay(message);
  }

  write(chunk: Buffer): void {
    if (this.closed) return;
    this.socket.write(chunk);
    if (this.socket.writableLength > this.maxBufferedBytes) this.socket.destroy();
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  private send(message: Message, chunk: Buffer): void {
    if (message.id <= this.lastSentId) return;
    this.lastSentId = message.id;
    this.write(chunk);
  }
}
