import type { ApiClient, Message } from './api-client.js';
import { CliError, ExitCode, HttpError, isTransient, NetworkError } from './errors.js';
import { streamEvents } from './sse.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;
const LONG_POLL_SECONDS = 25;
const PAGE = 1000;

export interface FollowOptions {
  client: ApiClient;
  channel: string;
  /** The newest message of the channel already printed (0: none). */
  after: number;
  print: (message: Message) => void;
  /** Connection news for stderr. */
  notice: (text: string) => void;
  /** Stream through /api/stream (members) or long-poll the channel (public channels the user is not in). */
  useStream: boolean;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before the next attempt: exponential with jitter, at least what the server asked for. */
function delayAfter(failures: number, error: unknown): number {
  const exponential = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  const asked = error instanceof HttpError && error.retryAfter !== undefined ? error.retryAfter * 1000 : 0;
  return Math.max(asked, exponential * (0.75 + Math.random() * 0.5));
}

/** Errors that waiting cannot fix: wrong credentials, a channel that is gone. */
function isFatal(error: unknown): boolean {
  return !isTransient(error) && !(error instanceof HttpError && error.status === 429);
}

/**
 * Prints the channel's new messages until the process is stopped, each exactly once and in order, across
 * reconnects and server restarts: the stream resumes after the last event seen (Last-Event-ID), and a `reset`
 * (messages evicted while away) reloads the channel from the last printed message.
 */
export async function follow(options: FollowOptions): Promise<never> {
  const { client, channel, print, notice } = options;
  const sleep = options.sleep ?? defaultSleep;
  let printed = options.after;
  let resumeId = options.after;
  let failures = 0;

  const show = (message: Message) => {
    if (message.channel === channel && message.id > printed) {
      print(message);
      printed = message.id;
    }
  };

  /** Pages through the channel's messages after the last printed one. */
  const catchUp = async () => {
    for (;;) {
      const page = await client.messages(channel, { after: printed, limit: PAGE });
      page.messages.forEach(show);
      if (!page.hasNewer || page.messages.length === 0) return;
    }
  };

  const streamOnce = async () => {
    for await (const event of streamEvents(client, resumeId)) {
      if (event.event === 'open') {
        if (failures > 0) notice('reconnected');
        failures = 0;
      } else if (event.event === 'message') {
        const message = JSON.parse(event.data) as Message;
        resumeId = Math.max(resumeId, message.id);
        show(message);
      } else if (event.event === 'reset') {
        notice(`some messages expired while disconnected; reloading ${channel}`);
        await catchUp();
        resumeId = Math.max(resumeId, printed);
      } else if (event.event === 'member-left') {
        const { channel: left, username } = JSON.parse(event.data) as { channel: string; username: string };
        if (left === channel && username === client.username) {
          throw new CliError(ExitCode.other, `you are no longer a member of ${channel}`);
        }
      }
    }
  };

  const pollOnce = async () => {
    const page = await client.messages(channel, { after: printed, limit: PAGE, wait: LONG_POLL_SECONDS });
    if (failures > 0) notice('reconnected');
    failures = 0;
    page.messages.forEach(show);
  };

  for (;;) {
    let lastError: unknown;
    try {
      if (options.useStream) await streamOnce();
      else await pollOnce();
      if (!options.useStream) continue;
      // The server ended the stream (a restart or a shutdown): resume after a short pause.
      failures = 1;
      notice('stream ended; reconnecting');
    } catch (error) {
      if (isFatal(error)) throw error;
      lastError = error;
      failures++;
      if (failures === 1 || failures % 10 === 0) {
        const why = error instanceof NetworkError ? error.reason : (error as Error).message;
        notice(`connection lost (${why}); reconnecting`);
      }
    }
    await sleep(delayAfter(failures, lastError));
  }
}
