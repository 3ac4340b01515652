import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SseClient } from '../support/sse-client.js';
import {
  agentFrom,
  authOf,
  freshAddress,
  rawConnect,
  type RawClient,
  type RunningServer,
  send,
  sleep,
  startServer,
  type User,
} from './harness.js';

describe('attack: event streams (MAX_STREAMS_PER_USER=10, STREAM_MAX_BUFFER_BYTES=65536)', () => {
  let server: RunningServer;
  const open: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startServer({
      STREAM_MAX_BUFFER_BYTES: '65536',
      SEND_RATE_PER_SECOND: '10000',
      SEND_BURST: '10000',
      RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
    });
  }, 40_000);
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => server?.stop());

  const stream = async (user: User) => {
    const client = await SseClient.open(`${server.base}/api/stream`, { Authorization: authOf(user) });
    open.push(client);
    return client;
  };

  it('answers the 11th concurrent stream of one user with 429 + Retry-After; other users unaffected', async () => {
    const streams = [];
    for (let i = 0; i < 10; i++) streams.push(await stream('alice'));
    expect(streams.map((s) => s.response.statusCode)).toEqual(Array(10).fill(200));

    const eleventh = await stream('alice');
    expect(eleventh.response.statusCode).toBe(429);
    expect(Number(eleventh.response.headers['retry-after'])).toBeGreaterThan(0);
    expect((await stream('bob')).response.statusCode).toBe(200);

    // The cap counts open streams: closing one makes room.
    streams[0].close();
    await sleep(200);
    expect((await stream('alice')).response.statusCode).toBe(200);
  });

  it('disconnects a stream that never reads once its buffer passes the bound; the others get every message', async () => {
    // A subscriber that reads the response headers and then stops reading for good.
    const stalled: RawClient = await rawConnect(server.port, freshAddress());
    open.push({ close: () => stalled.socket.destroy() });
    stalled.socket.write(
      `GET /api/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${authOf('carol')}\r\n\r\n`,
    );
    while (!stalled.received().includes('\r\n\r\n')) await sleep(10);
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 200 /);
    stalled.socket.pause();

    const readers = [await stream('bob')];
    for (let i = 0; i < 9; i++) readers.push(await stream('carol'));
    expect(readers.every((r) => r.response.statusCode === 200)).toBe(true);
    // carol is at her cap of 10 streams only while the stalled one is still counted.
    const probe = await stream('carol');
    expect(probe.response.statusCode).toBe(429);

    // Flood 16 KB messages until the server has cut the stalled stream off and carol may open a stream again.
    const agent = agentFrom(freshAddress());
    const text = '🔑'.repeat(4000);
    let posted = 0;
    let reopened: SseClient | undefined;
    try {
      while (!reopened && posted < 1000) {
        for (let i = 0; i < 10; i++, posted++) {
          const res = await send(`${server.base}/api/messages`, {
            method: 'POST',
            headers: { Authorization: authOf('alice'), 'Content-Type': 'application/json' },
            body: JSON.stringify({ text }),
            agent,
          });
          expect(res.status).toBe(201);
        }
        const retry = await stream('carol');
        if (retry.response.statusCode === 200) reopened = retry;
      }
    } finally {
      agent.destroy();
    }
    expect(reopened?.response.statusCode).toBe(200);
    for (const reader of readers) {
      await reader.until((r) => r.messages.length === posted, `${posted} messages`);
      expect(reader.ended).toBe(false);
    }
  }, 30_000);
});
