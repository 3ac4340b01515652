import type { Message } from '../message.js';

/** Server-Sent Events framing (API.md, GET /api/stream). JSON never contains a raw newline, so one data line. */
export const sse = {
  retry: (ms: number) => `retry: ${ms}\n\n`,
  message: (message: Message) => `id: ${message.id}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`,
  /** An event without id: not replayed on resume. */
  event: (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`,
  reset: (oldestId: number | null) => `event: reset\ndata: ${JSON.stringify({ oldestId })}\n\n`,
  ping: ': ping\n\n',
};

/**
 * One HTTP/1.1 chunk (`Transfer-Encoding: chunked`) carrying `text`: built once, the same bytes can be written to
 * every stream's socket.
 */
export function httpChunk(text: string): Buffer {
  return Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}
