import { HttpError, NetworkError } from './errors.js';
import type { Message, MessagePage } from '../messages/message.js';
import type { Credentials } from './netrc.js';

// The wire shapes of messages are the server's own (API.md, Message).
export type { Message, MessagePage } from '../messages/message.js';

export interface Me {
  username: string;
  displayName: string;
  role: string;
}

export interface User {
  username: string;
  displayName: string;
}

export interface Channel {
  name: string;
  kind: 'channel' | 'dm';
  topic: string;
  private: boolean;
  member: boolean;
  role?: string;
  unread?: number;
  lastMessageId: number | null;
  members?: string[];
}

/** A channel as a search result shows it (API.md, Search): no unread count or last message id. */
export type SearchChannel = Pick<Channel, 'name' | 'kind' | 'topic' | 'private' | 'member' | 'members'>;

export interface SearchResult {
  message: Message;
  channel: SearchChannel;
  /** Matched ranges of `message.text`: [start, end) in UTF-16 code units, sorted, not overlapping. */
  highlights: [number, number][];
}

/** One page of search results, newest first; the next page is `before` the last result's id. */
export interface SearchPage {
  results: SearchResult[];
  hasMore: boolean;
}

export interface PageQuery {
  limit?: number;
  before?: number;
  after?: number;
  wait?: number;
}

const REQUEST_TIMEOUT_MS = 30_000;
const USER_AGENT = 'chat-cli/0.1';

/** The reason a request got no HTTP answer, from fetch's error and its cause. */
export function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timed out';
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** The error a non-2xx response stands for, with the server's message and `Retry-After`. */
export async function httpError(response: Response): Promise<HttpError> {
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
    else if (Array.isArray(body.message)) message = body.message.map(String).join('; ');
  } catch {
    // not JSON: keep the status text
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  return new HttpError(response.status, message, Number.isFinite(retryAfter) ? retryAfter : undefined);
}

/** The chat server's public HTTP API (docs/API.md), with Basic auth. */
export class ApiClient {
  constructor(
    readonly server: string,
    private readonly credentials: Credentials,
  ) {}

  get username(): string {
    return this.credentials.login;
  }

  get headers(): Record<string, string> {
    const token = Buffer.from(`${this.credentials.login}:${this.credentials.password}`, 'utf8').toString(
      'base64',
    );
    return { Authorization: `Basic ${token}`, 'User-Agent': USER_AGENT };
  }

  url(path: string, query: Record<string, number | string | undefined> = {}): string {
    const url = new URL(`${this.server}/api/${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  me(): Promise<Me> {
    return this.request<Me>('GET', 'me');
  }

  async users(): Promise<User[]> {
    return (await this.request<{ users: User[] }>('GET', 'users')).users;
  }

  async channels(): Promise<Channel[]> {
    return (await this.request<{ channels: Channel[] }>('GET', 'channels')).channels;
  }

  channel(name: string): Promise<Channel> {
    return this.request<Channel>('GET', `channels/${encodeURIComponent(name)}`);
  }

  /** The DM of exactly these users and the caller, found or created. */
  dm(users: string[]): Promise<Channel> {
    return this.request<Channel>('POST', 'dms', { body: { users } });
  }

  messages(channel: string, query: PageQuery): Promise<MessagePage> {
    const timeoutMs = REQUEST_TIMEOUT_MS + (query.wait ?? 0) * 1000;
    return this.request<MessagePage>('GET', `channels/${encodeURIComponent(channel)}/messages`, {
      query: { ...query },
      timeoutMs,
    });
  }

  search(query: { q: string; limit: number; before?: number }): Promise<SearchPage> {
    return this.request<SearchPage>('GET', 'search', { query: { ...query } });
  }

  send(channel: string, text: string, clientMsgId: string): Promise<Message> {
    return this.request<Message>('POST', `channels/${encodeURIComponent(channel)}/messages`, {
      body: { text, clientMsgId },
    });
  }

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, number | string | undefined>; timeoutMs?: number } = {},
  ): Promise<T> {
    const url = this.url(path, options.query);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...this.headers,
          Accept: 'application/json',
          ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new NetworkError(this.server, networkReason(error));
    }
    if (!response.ok) throw await httpError(response);
    try {
      return (await response.json()) as T;
    } catch (error) {
      // The answer was cut off (or is not the API's): as if it never came.
      throw new NetworkError(this.server, networkReason(error));
    }
  }
}
