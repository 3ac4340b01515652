import { ApiError, type ApiClient } from '../../../lib/api-client';
import { readSseEvents, SseParser, type SseEvent } from '../../../lib/sse';
import { DEFAULT_CHANNEL, type Message, type MessagePage } from '../types';
import { getMessagesAfter } from './messages';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveTiming {
  /** Pause between catch-up reads when the server has no stream (polling fallback). */
  pollIntervalMs: number;
  /** First reconnection delay, until the server's `retry:` says otherwise; doubles per failure. */
  reconnectMs: number;
  maxReconnectMs: number;
  /** No byte (not even a `: ping`) for this long means the connection is dead. */
  staleAfterMs: number;
  /** A stream that ends sooner than this after opening counts as a failure (no tight reconnect loop). */
  minHealthyStreamMs: number;
  /** Failed attempts in a row after which the page shows "offline" rather than "reconnecting". */
  offlineAfterFailures: number;
}

export const DEFAULT_TIMING: LiveTiming = {
  pollIntervalMs: 2000,
  reconnectMs: 3000,
  maxReconnectMs: 30_000,
  staleAfterMs: 45_000,
  minHealthyStreamMs: 5000,
  offlineAfterFailures: 3,
};

export interface LiveOptions {
  /** Id of the newest message the page already has; the feed resumes after it (0: from the oldest retained). */
  after: number;
  onMessages: (messages: Message[]) => void;
  /** The server may have evicted messages the page missed (`event: reset`): reload the newest page. */
  onReset: () => void;
  onState: (state: ConnectionState) => void;
  /** Every other event (`channel-created`, `member-joined`, `member-left`, ...), its data parsed as JSON. */
  onEvent?: (type: string, data: unknown) => void;
  /**
   * The feed is up again after being down (not called for the first connection). Events without an id are
   * not replayed on resume, so whatever they maintain must be reloaded here.
   */
  onReconnected?: () => void;
  /** The polling fallback's read; by default the `general` channel. */
  poll?: (after: number, signal: AbortSignal) => Promise<MessagePage>;
  signal: AbortSignal;
  timing?: Partial<LiveTiming>;
  random?: () => number;
}

/**
 * Keeps the page up to date until `signal` aborts: reads `GET /api/stream` (resuming with `Last-Event-ID`),
 * and where the server has no stream (404) polls `options.poll` (`GET /api/channels/general/messages?after=`). Reconnects by itself with backoff;
 * after a 401 it stops (the API client has already told the app).
 */
export function runLiveUpdates(api: ApiClient, options: LiveOptions): Promise<void> {
  return new LiveFeed(api, options).run();
}

class LiveFeed {
  private cursor: number;
  private failures = 0;
  private state: ConnectionState | undefined;
  private everConnected = false;
  private readonly timing: LiveTiming;
  private readonly signal: AbortSignal;
  private readonly random: () => number;

  constructor(
    private readonly api: ApiClient,
    private readonly options: LiveOptions,
  ) {
    this.cursor = options.after;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.signal = options.signal;
    this.random = options.random ?? Math.random;
  }

  async run(): Promise<void> {
    this.setState('connecting');
    while (!this.signal.aborted) {
      let delayMs: number;
      try {
        const openedAt = Date.now();
        await this.streamOrPoll();
        if (Date.now() - openedAt < this.timing.minHealthyStreamMs) throw new Error('stream ended at once');
        // A clean end (server shutdown, or it dropped a slow reader): come back at once, slightly spread out.
        delayMs = 100 + this.random() * 500;
      } catch (error) {
        if (this.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) {
          this.setState('offline');
          return;
        }
        this.failures += 1;
        delayMs = this.backoffMs(error);
      }
      const offline = this.failures >= this.timing.offlineAfterFailures || navigator.onLine === false;
      this.setState(offline ? 'offline' : 'reconnecting');
      await sleep(delayMs, this.signal);
    }
  }

  private async streamOrPoll(): Promise<void> {
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort();
    this.signal.addEventListener('abort', abortAttempt, { once: true });
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(abortAttempt, this.timing.staleAfterMs);
    };
    const parser = new SseParser();
    try {
      alive();
      let response: Response;
      try {
        response = await this.api.stream('/api/stream', String(this.cursor), attempt.signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          clearTimeout(watchdog);
          return await this.poll();
        }
        throw error;
      }
      if (!response.body) throw new Error('stream without a body');
      this.connected();
      for await (const event of readSseEvents(response.body, parser, alive)) this.handle(event);
    } finally {
      clearTimeout(watchdog);
      this.signal.removeEventListener('abort', abortAttempt);
      if (parser.retryMs !== undefined) this.timing.reconnectMs = parser.retryMs;
    }
  }

  /** The fallback while the server has no stream; returns only by throwing (a failed read, or abort). */
  private async poll(): Promise<never> {
    for (;;) {
      const page = this.options.poll
        ? await this.options.poll(this.cursor, this.signal)
        : await getMessagesAfter(this.api, DEFAULT_CHANNEL, this.cursor, this.signal);
      this.connected();
      this.deliver(page.messages);
      if (!page.hasNewer) await sleep(this.timing.pollIntervalMs, this.signal);
      if (this.signal.aborted) throw new DOMException('Aborted', 'AbortError');
    }
  }

  private handle(event: SseEvent): void {
    if (event.type === 'reset') {
      this.options.onReset();
    } else if (event.type === 'message') {
      const message = parseMessage(event.data);
      if (message) this.deliver([message]);
    } else if (this.options.onEvent) {
      const data = parseJson(event.data);
      if (data !== undefined) this.options.onEvent(event.type, data);
    }
  }

  private deliver(messages: Message[]): void {
    if (messages.length === 0) return;
    this.cursor = Math.max(this.cursor, ...messages.map((m) => m.id));
    this.options.onMessages(messages);
  }

  private connected(): void {
    this.failures = 0;
    if (this.state === 'live') return;
    this.setState('live');
    if (this.everConnected) this.options.onReconnected?.();
    this.everConnected = true;
  }

  private backoffMs(error: unknown): number {
    if (error instanceof ApiError && error.retryAfterSeconds !== undefined)
      return error.retryAfterSeconds * 1000;
    const ceiling = Math.min(this.timing.reconnectMs * 2 ** (this.failures - 1), this.timing.maxReconnectMs);
    return ceiling * (0.5 + this.random() / 2);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state);
  }
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function parseMessage(data: string): Message | undefined {
  const value = parseJson(data) as Partial<Message> | null | undefined;
  if (typeof value?.id !== 'number' || typeof value.user !== 'string' || typeof value.text !== 'string') {
    return undefined;
  }
  return value as Message;
}

/** Waits `ms`, or less when the signal aborts or the browser comes back online. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    window.addEventListener('online', done, { once: true });
  });
}
