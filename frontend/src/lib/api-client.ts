/**
 * The one place that knows how the page talks to the server: fetch, Basic auth, the `X-Requested-With` header
 * (so browsers never show their own login dialog) and the error shape `{statusCode, error, message}`.
 */

export interface Credentials {
  username: string;
  password: string;
}

/** A failed call. `status` is 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The server's messages; validation errors may carry several. */
    readonly messages: readonly string[],
    /** From `Retry-After` on 429 (and 503) responses. */
    readonly retryAfterSeconds?: number,
  ) {
    super(messages.join('; '));
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | undefined;

export interface ApiClientOptions {
  /** Called on a 401: the credentials stopped working (signed out elsewhere, user removed, ...). */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

/** `Basic base64(username:password)` over the UTF-8 bytes, as the server decodes it. */
export function basicAuthorization({ username, password }: Credentials): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Seconds from a `Retry-After` header: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let messages = [`${response.status} ${response.statusText || 'error'}`.trim()];
  try {
    const body: unknown = await response.json();
    if (isRecord(body)) {
      const { message } = body;
      if (typeof message === 'string') messages = [message];
      else if (Array.isArray(message)) messages = message.filter((m): m is string => typeof m === 'string');
    }
  } catch {
    // Not the server's JSON (a proxy's error page, say): keep the status line.
  }
  return new ApiError(response.status, messages, retryAfter);
}

export class ApiClient {
  private readonly fetchFn: typeof fetch;

  constructor(
    readonly credentials: Credentials,
    private readonly options: ApiClientOptions = {},
  ) {
    // Bound, because window.fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get username(): string {
    return this.credentials.username;
  }

  get<T>(path: string, query: Record<string, QueryValue> = {}, signal?: AbortSignal): Promise<T> {
    return this.json<T>(withQuery(path, query), { method: 'GET', signal });
  }

  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }

  delete<T = void>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>(path, { method: 'DELETE', signal });
  }

  /** Opens a Server-Sent Events stream; resolves with the open response, whose body the caller reads. */
  stream(path: string, lastEventId: string | undefined, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
    return this.request(path, { method: 'GET', headers, signal, cache: 'no-store' });
  }

  private async json<T>(path: string, init: RequestInit): Promise<T> {
    return readJson<T>(await this.request(path, init));
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', basicAuthorization(this.credentials));
    try {
      return await send(this.fetchFn, path, { ...init, headers });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.options.onUnauthorized?.();
      throw error;
    }
  }
}

/**
 * A POST without credentials, for the routes that need none (`POST /api/signup`): sending someone's Basic
 * header there would only confuse things.
 */
export async function postWithoutAuth<T>(
  path: string,
  body: unknown,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<T> {
  const response = await send(fetchFn, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return readJson<T>(response);
}

async function send(fetchFn: typeof fetch, path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('X-Requested-With', 'XMLHttpRequest');
  let response: Response;
  try {
    response = await fetchFn(path, { ...init, headers });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, ['Cannot reach the server']);
  }
  if (response.ok) return response;
  throw await toApiError(response);
}

/** The body as JSON; `undefined` for `204 No Content` (leave, read markers, removals). */
async function readJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
