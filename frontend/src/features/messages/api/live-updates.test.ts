import { describe, expect, it } from 'vitest';
import { fakeApi, json, nestError, type RecordedRequest } from '../../../test/fake-server';
import type { Message } from '../types';
import { runLiveUpdates, type ConnectionState, type LiveTiming } from './live-updates';

const FAST: Partial<LiveTiming> = { pollIntervalMs: 5, reconnectMs: 5, minHealthyStreamMs: 0 };
const message = (id: number): Message => ({
  id,
  user: 'bob',
  text: `m${id}`,
  createdAt: '2026-11-27T10:00:00.000Z',
});
const frame = (m: Message) => `id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`;

function sse(text: string): Response {
  return new Response(text, { headers: { 'Content-Type': 'text/event-stream' } });
}

/** Runs the feed until `until` holds, then stops it; returns what it reported. */
async function run(
  route: (request: RecordedRequest, attempt: number) => Response | Promise<Response>,
  until: (seen: Seen) => boolean,
  after = 0,
) {
  const controller = new AbortController();
  const seen: Seen = { messages: [], resets: 0, states: [], requests: [] };
  let attempt = 0;
  const { api, requests } = fakeApi((request) => route(request, attempt++));
  seen.requests = requests;
  const done = runLiveUpdates(api, {
    after,
    onMessages: (m) => seen.messages.push(...m),
    onReset: () => (seen.resets += 1),
    onState: (s) => seen.states.push(s),
    signal: controller.signal,
    timing: FAST,
    random: () => 0.5,
  });
  await expect.poll(() => until(seen), { timeout: 2000 }).toBe(true);
  controller.abort();
  await done;
  return seen;
}

interface Seen {
  messages: Message[];
  resets: number;
  states: ConnectionState[];
  requests: RecordedRequest[];
}

describe('runLiveUpdates with a stream', () => {
  it('resumes with Last-Event-ID: first from the newest shown message, then from the last event received', async () => {
    const seen = await run(
      (_request, attempt) => {
        if (attempt === 0) return sse(`retry: 5\n\n${frame(message(11))}${frame(message(12))}`);
        if (attempt === 1) return sse(`: ping\n\n${frame(message(13))}`);
        return new Promise<Response>(() => undefined);
      },
      (s) => s.messages.length === 3 && s.requests.length >= 3,
      10,
    );
    expect(seen.requests.map((r) => r.headers.get('Last-Event-ID'))).toEqual(['10', '12', '13']);
    expect(seen.requests.every((r) => r.path === '/api/stream')).toBe(true);
    expect(seen.requests[0]?.headers.get('Authorization')).toMatch(/^Basic /);
    expect(seen.messages.map((m) => m.id)).toEqual([11, 12, 13]);
    expect(seen.states.slice(0, 3)).toEqual(['connecting', 'live', 'reconnecting']);
  });

  it('asks for a reload on event: reset and goes on reading', async () => {
    const seen = await run(
      (_r, attempt) =>
        attempt === 0
          ? sse(`event: reset\ndata: {"oldestId":40}\n\n${frame(message(41))}`)
          : new Promise<Response>(() => undefined),
      (s) => s.messages.length === 1,
      5,
    );
    expect(seen.resets).toBe(1);
    expect(seen.messages.map((m) => m.id)).toEqual([41]);
  });

  it('reconnects after the server went away and shows the failures', async () => {
    const seen = await run(
      (_r, attempt) => {
        if (attempt < 3) throw new TypeError('connection refused');
        if (attempt === 3) return sse(frame(message(2)));
        return new Promise<Response>(() => undefined);
      },
      (s) => s.messages.length === 1,
      1,
    );
    expect(seen.states).toEqual(['connecting', 'reconnecting', 'offline', 'live', 'reconnecting']);
    expect(seen.requests.map((r) => r.headers.get('Last-Event-ID'))).toContain('1');
  });

  it('hands over the other events with their data, and says when it is back after a break', async () => {
    const events: [string, unknown][] = [];
    let reconnected = 0;
    const controller = new AbortController();
    let attempt = 0;
    const { api } = fakeApi(() => {
      attempt += 1;
      if (attempt === 1) {
        return sse(
          'event: channel-created\ndata: {"name":"design","kind":"channel"}\n\n' +
            'event: member-left\ndata: {"channel":"design","username":"bob"}\n\n' +
            'event: member-joined\ndata: not json\n\n',
        );
      }
      return sse(': ping\n\n');
    });
    const done = runLiveUpdates(api, {
      after: 0,
      onMessages: () => undefined,
      onReset: () => undefined,
      onState: () => undefined,
      onEvent: (type, data) => events.push([type, data]),
      onReconnected: () => (reconnected += 1),
      signal: controller.signal,
      timing: FAST,
      random: () => 0.5,
    });
    await expect.poll(() => reconnected > 0, { timeout: 2000 }).toBe(true);
    controller.abort();
    await done;
    expect(events).toEqual([
      ['channel-created', { name: 'design', kind: 'channel' }],
      ['member-left', { channel: 'design', username: 'bob' }],
    ]);
  });

  it('stops for good on a 401', async () => {
    const { api, requests } = fakeApi(() => nestError(401, 'Missing or invalid credentials'));
    const states: ConnectionState[] = [];
    await runLiveUpdates(api, {
      after: 0,
      onMessages: () => undefined,
      onReset: () => undefined,
      onState: (s) => states.push(s),
      signal: new AbortController().signal,
      timing: FAST,
    });
    expect(requests).toHaveLength(1);
    expect(states.at(-1)).toBe('offline');
  });
});

describe('runLiveUpdates without a stream (404)', () => {
  it('polls GET /api/channels/general/messages?after= from the newest id it has', async () => {
    let served = false;
    const seen = await run(
      (request) => {
        if (request.path === '/api/stream') return nestError(404, 'Cannot GET /api/stream');
        if (!served && request.path.includes('after=7')) {
          served = true;
          return json({ messages: [message(8), message(9)], hasOlder: true, hasNewer: false });
        }
        return json({ messages: [], hasOlder: true, hasNewer: false });
      },
      (s) => s.requests.some((r) => r.path.includes('after=9')),
      7,
    );
    expect(seen.messages.map((m) => m.id)).toEqual([8, 9]);
    expect(seen.requests.find((r) => r.path.includes('/messages'))?.path).toBe(
      '/api/channels/general/messages?after=7&limit=1000',
    );
    expect(seen.states).toEqual(['connecting', 'live']);
  });

  it('tries the stream again after a failed poll', async () => {
    const seen = await run(
      (request, attempt) => {
        if (request.path === '/api/stream') {
          return attempt < 2 ? nestError(404, 'Not Found') : sse(frame(message(3)));
        }
        throw new TypeError('connection refused');
      },
      (s) => s.messages.length === 1,
    );
    expect(seen.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/api/stream',
      '/api/channels/general/messages',
      '/api/stream',
      ...seen.requests.slice(3).map((r) => r.path.split('?')[0]),
    ]);
    expect(seen.messages.map((m) => m.id)).toEqual([3]);
  });
});
