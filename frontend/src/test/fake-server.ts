import { ApiClient } from '../lib/api-client';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

export type Route = (request: RecordedRequest) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function nestError(status: number, message: string | string[], headers: Record<string, string> = {}) {
  return json({ statusCode: status, error: 'Error', message }, status, headers);
}

/** An ApiClient whose fetch answers from `route` and records every request. */
export function fakeApi(route: Route, username = 'alice') {
  const requests: RecordedRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      path: input instanceof Request ? input.url : input.toString(),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const signal = init.signal;
    if (signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    // Like fetch: an abort rejects a request that is still waiting for its answer.
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(new DOMException('Aborted', 'AbortError'));
      signal?.addEventListener('abort', onAbort, { once: true });
      Promise.resolve()
        .then(() => route(request))
        .then(resolve, reject)
        .finally(() => signal?.removeEventListener('abort', onAbort));
    });
  };
  const api = new ApiClient({ username, password: 'secret' }, { fetch: fetchFn });
  return { api, requests };
}

/** A text/event-stream response that sends `text` and then stays open, as a live stream does. */
export function openStream(text: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

/** A text/event-stream response the test writes to as it goes: `push` sends a piece of the stream. */
export function liveStream() {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const pending: string[] = [];
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const text of pending.splice(0)) c.enqueue(new TextEncoder().encode(text));
    },
  });
  return {
    response: () => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
    push(text: string) {
      if (controller) controller.enqueue(new TextEncoder().encode(text));
      else pending.push(text);
    },
  };
}

/** One SSE frame: `event`, optional `id`, and `data` as JSON. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
