/**
 * A Server-Sent Events reader for streams opened with `fetch` (EventSource cannot send an Authorization header).
 * Follows the WHATWG parsing rules: CR, LF or CRLF line ends, `:` comments, `event`/`data`/`id`/`retry` fields,
 * multi-line data, and an event is dispatched on a blank line.
 */

export interface SseEvent {
  /** `event:` field, `message` when absent. */
  type: string;
  data: string;
  /** The last event id seen so far (the `id:` of this event, or an earlier one). */
  lastEventId: string;
}

export class SseParser {
  /** The stream's last event id; send it back as `Last-Event-ID` to resume. */
  lastEventId = '';
  /** Reconnection delay the server asked for with `retry:`, in milliseconds. */
  retryMs: number | undefined;
  private buffer = '';
  private type = '';
  private data: string[] = [];

  /** Takes the next piece of text and returns the events it completed. */
  feed(chunk: string): SseEvent[] {
    const text = this.buffer + chunk;
    const events: SseEvent[] = [];
    let position = 0;
    for (;;) {
      const end = nextLineEnd(text, position);
      if (end === -1) break;
      // A CR at the very end may be the first half of a CRLF split between chunks: wait for more.
      if (text[end] === '\r' && end === text.length - 1) break;
      const event = this.line(text.slice(position, end));
      if (event) events.push(event);
      position = end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
    }
    this.buffer = text.slice(position);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const { type, data } = this;
    this.type = '';
    this.data = [];
    if (data.length === 0) return undefined;
    return { type: type || 'message', data: data.join('\n'), lastEventId: this.lastEventId };
  }
}

function nextLineEnd(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (lf === -1) return cr;
  if (cr === -1) return lf;
  return Math.min(lf, cr);
}

/**
 * Reads a response body as SSE events until the server ends the stream (or the signal aborts the fetch).
 * `onActivity` hears every chunk, comments (`: ping`) included, so a caller can tell a quiet stream from a dead one.
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  onActivity: () => void = () => undefined,
): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onActivity();
      yield* parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Closes the connection when the consumer stops early; harmless after the stream ended.
    reader.cancel().catch(() => undefined);
  }
}
