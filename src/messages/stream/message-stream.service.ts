import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Response } from 'express';
import { ChannelDirectory, type DirectoryEvent } from '../../channels/channel-directory.js';
import { channelView } from '../../channels/channel-view.js';
import { DomainError } from '../../common/domain-error.js';
import { Lifecycle } from '../../common/lifecycle.js';
import { appConfig, type AppConfig } from '../../config/app.config.js';
import type { Message } from '../message.js';
import { MessageHub } from '../message-hub.js';
import { MessagesService } from '../messages.service.js';
import { httpChunk, sse } from './sse.js';
import { StreamConnection } from './stream-connection.js';

const RECONNECT_DELAY_MS = 3000;
const REPLAY_PAGE = 1000;
const PING = httpChunk(sse.ping);

/**
 * The open `/api/stream` connections. One hub subscription serves them all: each message is serialized once and
 * the same bytes are written to every connection.
 */
@Injectable()
export class MessageStreamService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageStreamService.name);
  private readonly connections = new Set<StreamConnection>();
  private readonly perUser = new Map<string, number>();
  private unsubscribe = () => {};
  private pingTimer?: NodeJS.Timeout;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly hub: MessageHub,
    private readonly messages: MessagesService,
    private readonly directory: ChannelDirectory,
    private readonly lifecycle: Lifecycle,
  ) {}

  onModuleInit(): void {
    const unsubscribeHub = this.hub.subscribe((message) => this.broadcast(message));
    const unsubscribeDirectory = this.directory.subscribe((event) => this.announce(event));
    this.unsubscribe = () => {
      unsubscribeHub();
      unsubscribeDirectory();
    };
    this.pingTimer = setInterval(() => this.broadcastRaw(PING), this.config.messages.streamPingMs).unref();
  }

  get openCount(): number {
    return this.connections.size;
  }

  /**
   * Streams live messages to `res`. With `lastSeenId` it first replays every retained message after it, or sends
   * `reset` when some of those are gone. Throws `rate_limited` past the per-user stream cap.
   */
  async open(user: string, res: Response, lastSeenId?: number): Promise<void> {
    // A stream opened now would be cut mid-chunk by the exit; the client reconnects to another instance.
    if (this.lifecycle.draining)
      throw DomainError.unavailable('Shutting down; reconnect', RECONNECT_DELAY_MS);
    const open = this.perUser.get(user) ?? 0;
    if (open >= this.config.messages.maxStreamsPerUser) {
      throw DomainError.rateLimited(
        `At most ${this.config.messages.maxStreamsPerUser} open streams per user`,
        5000,
      );
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);

    const connection = new StreamConnection(user, res, this.config.messages.streamMaxBufferBytes, lastSeenId);
    this.connections.add(connection);
    this.perUser.set(user, open + 1);
    res.once('close', () => this.remove(connection));
    connection.write(httpChunk(sse.retry(RECONNECT_DELAY_MS)));

    try {
      if (lastSeenId !== undefined) await this.replay(connection, lastSeenId);
      connection.goLive();
    } catch (error) {
      this.logger.error('stream replay failed', (error as Error).stack);
      res.destroy();
    }
  }

  /** Ends the streams of these users (e.g. removed from the user file). */
  endStreamsOf(usernames: string[]): void {
    const gone = new Set(usernames);
    for (const connection of this.connections) if (gone.has(connection.user)) connection.end();
  }

  beforeApplicationShutdown(): void {
    for (const connection of this.connections) connection.end();
  }

  onModuleDestroy(): void {
    this.unsubscribe();
    clearInterval(this.pingTimer);
  }

  private async replay(connection: StreamConnection, lastSeenId: number): Promise<void> {
    const channels = this.directory.channelsOf(connection.user);
    const resume = await this.messages.resumePoint(channels, lastSeenId);
    if (resume.missed) {
      connection.write(httpChunk(sse.reset(resume.oldestId)));
      return;
    }
    let after = lastSeenId;
    while (!connection.closed) {
      const page = await this.messages.listAcross(channels, after, REPLAY_PAGE);
      for (const message of page.messages) connection.replay(message);
      if (!page.hasNewer || page.messages.length === 0) return;
      after = page.messages[page.messages.length - 1].id;
    }
  }

  /** A new message, to the streams of the channel's members. */
  private broadcast(message: Message): void {
    const chunk = httpChunk(sse.message(message));
    for (const connection of this.connections) {
      if (this.directory.isMember(connection.user, message.channel)) connection.deliver(message, chunk);
    }
  }

  /** A membership change, to the streams of the users it concerns. */
  private announce(event: DirectoryEvent): void {
    const data =
      event.type === 'channel-created'
        ? channelView(event.channel, {
            member: event.audience !== 'everyone',
            ...(event.channel.kind === 'dm' && { members: event.audience as string[] }),
          })
        : { channel: event.channel, username: event.username };
    const chunk = httpChunk(sse.event(event.type, data));
    const audience = event.audience === 'everyone' ? null : new Set(event.audience);
    for (const connection of this.connections) {
      if (!audience || audience.has(connection.user)) connection.write(chunk);
    }
  }

  private broadcastRaw(chunk: Buffer): void {
    for (const connection of this.connections) connection.write(chunk);
  }

  private remove(connection: StreamConnection): void {
    if (!this.connections.delete(connection)) return;
    const left = (this.perUser.get(connection.user) ?? 1) - 1;
    if (left > 0) this.perUser.set(connection.user, left);
    else this.perUser.delete(connection.user);
  }
}
