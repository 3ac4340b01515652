import { describe, expect, it } from 'vitest';
import { readSseEvents, SseParser } from './sse';

const frame = (id: number, text: string) =>
  `id: ${id}\nevent: message\ndata: ${JSON.stringify({ id, user: 'alice', text })}\n\n`;

describe('SseParser', () => {
  it('reads the retry field, message frames with their ids, and ignores ping comments', () => {
    const parser = new SseParser();
    const events = parser.feed(`retry: 3000\n\n: ping\n\n${frame(7, 'hi')}`);
    expect(parser.retryMs).toBe(3000);
    expect(events).toEqual([
      { type: 'message', lastEventId: '7', data: '{"id":7,"user":"alice","text":"hi"}' },
    ]);
    expect(parser.lastEventId).toBe('7');
  });

  it('gives the same events however the text is split into chunks', () => {
    const text = `retry: 3000\r\n\r\n${frame(1, 'a')}: ping\r\n\r\n${frame(2, 'b').replace(/\n/g, '\r\n')}${frame(3, 'c')}`;
    const whole = new SseParser().feed(text);
    for (let size = 1; size <= 7; size += 1) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.feed(text.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
    expect(whole.map((e) => e.lastEventId)).toEqual(['1', '2', '3']);
  });

  it('joins multi-line data with newlines and defaults the type to message', () => {
    const events = new SseParser().feed('data: first\ndata:second\r\rdata\n\n');
    expect(events).toEqual([
      { type: 'message', data: 'first\nsecond', lastEventId: '' },
      { type: 'message', data: '', lastEventId: '' },
    ]);
  });

  it('reports a reset event with its payload and keeps the last id across events', () => {
    const parser = new SseParser();
    const events = parser.feed(`${frame(5, 'x')}event: reset\ndata: {"oldestId":null}\n\n`);
    expect(events[1]).toEqual({ type: 'reset', data: '{"oldestId":null}', lastEventId: '5' });
  });

  it('does not dispatch an event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.feed('id: 9\nevent: message\ndata: {}\n')).toEqual([]);
    expect(parser.feed('\n')).toHaveLength(1);
  });
});

describe('readSseEvents', () => {
  it('decodes UTF-8 split across chunks and reports activity for comments too', async () => {
    const bytes = new TextEncoder().encode(`: ping\n\n${frame(1, 'héllo 👋')}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    let activity = 0;
    const events = [];
    for await (const event of readSseEvents(body, new SseParser(), () => (activity += 1))) events.push(event);
    expect(events).toHaveLength(1);
    expect((JSON.parse(events[0]?.data ?? '') as { text: string }).text).toBe('héllo 👋');
    expect(activity).toBeGreaterThan(1);
  });
});
