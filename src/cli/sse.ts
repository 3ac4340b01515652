import { httpError, networkReason, type ApiClient } from './api-client.js';
import { NetworkError } from './errors.js';

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** The Server-Sent Events wire format (WHATWG), fed chunk by chunk. */
export class SseParser {
  private buffer = '';
  private type = '';
  private data: string[] = [];
  private id?: string;

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      const event =
        this.data.length > 0
          ? { event: this.type || 'message', id: this.id, data: this.data.join('\n') }
          : undefined;
      this.type = '';
      this.data = [];
      this.id = undefined;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }
}

/**
 * One connection to `/api/stream`, resuming after `lastEventId`. Yields `open` once connected, then events until the server ends the stream;
 * throws HttpError when refused, NetworkError when the connection fails or goes silent for `idleMs` (the server
 * sends a ping every 15 s, so silence means a dead connection).
 */
export async function* streamEvents(
  client: ApiClient,
  lastEventId: number,
  idleMs = 45_000,
): AsyncGenerator<SseEvent> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const watchdog = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error('no data for too long')), idleMs);
  };
  watchdog();
  try {
    let response: Response;
    try {
      response = await fetch(client.url('stream'), {
        headers: { ...client.headers, Accept: 'text/event-stream', 'Last-Event-ID': String(lastEventId) },
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(client.server, networkReason(error));
    }
    if (!response.ok || !response.body) throw await httpError(response);
    yield { event: 'open', data: '' };
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        watchdog();
        yield* parser.push(decoder.decode(chunk, { stream: true }));
      }
    } catch (error) {
      throw new NetworkError(client.server, networkReason(error));
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
