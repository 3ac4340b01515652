import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SseClient } from '../support/sse-client.js';
import {
  authOf,
  freshAddress,
  rawConnect,
  type RawClient,
  type RunningServer,
  send,
  sleep,
  startServer,
} from './harness.js';

/** Sends a header line every `everyMs` until the server closes the socket: the slowloris attack. */
function trickleHeaders(client: RawClient, everyMs: number): void {
  client.socket.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\n');
  const timer = setInterval(() => client.socket.write(`X-Slow-${Date.now()}: 1\r\n`), everyMs);
  void client.closed.then(() => clearInterval(timer));
}

describe('attack: slow connections (HEADERS_TIMEOUT_SECONDS=2, REQUEST_TIMEOUT_SECONDS=2, KEEP_ALIVE_TIMEOUT_SECONDS=1)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      HEADERS_TIMEOUT_SECONDS: '2',
      REQUEST_TIMEOUT_SECONDS: '2',
      KEEP_ALIVE_TIMEOUT_SECONDS: '1',
    });
  }, 40_000);
  afterAll(() => server?.stop());

  it('keeps answering health within 1 s under 500 slowloris sockets, and closes them all with 408 by the headers timeout', async () => {
    const attacker = freshAddress();
    const sockets = await Promise.all(Array.from({ length: 500 }, () => rawConnect(server.port, attacker)));
    for (const socket of sockets) trickleHeaders(socket, 500);

    const healthMs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await send(`${server.base}/api/health`, { localAddress: freshAddress() });
      expect(res.status).toBe(200);
      healthMs.push(res.ms);
      await sleep(250);
    }
    expect(Math.max(...healthMs)).toBeLessThan(1000);

    const closedAfterMs = await Promise.all(sockets.map((s) => s.closed));
    // Not dropped at once, but by the 2 s headers timeout (checked every second), long before Node's default 60 s.
    expect(Math.min(...closedAfterMs)).toBeGreaterThan(1500);
    expect(Math.max(...closedAfterMs)).toBeLessThan(6000);
    expect(sockets.every((s) => s.received().startsWith('HTTP/1.1 408 Request Timeout'))).toBe(true);
  }, 20_000);

  it('closes a connection that never sends a byte with 408 after the headers timeout', async () => {
    const idle = await rawConnect(server.port, freshAddress());
    expect(await idle.closed).toBeLessThan(4500);
    expect(idle.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers a body that trickles in one byte every 200 ms with 408 after the request timeout', async () => {
    const slow = await rawConnect(server.port, freshAddress());
    slow.socket.write(
      'POST /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{"text":"',
    );
    const timer = setInterval(() => slow.socket.write('a'), 200);
    const closedAfterMs = await slow.closed;
    clearInterval(timer);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThan(1500);
    expect(closedAfterMs).toBeLessThan(4500);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const client = await rawConnect(server.port, freshAddress());
    client.socket.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    while (!client.received().includes('"status":"ok"')) await sleep(10);
    const answeredAt = performance.now();
    await client.closed;
    expect(performance.now() - answeredAt).toBeLessThan(3000); // Node's default would be 5 s
  });

  it('exempts an open event stream from the request timeout: it still delivers after 3 s', async () => {
    const stream = await SseClient.open(`${server.base}/api/stream`, { Authorization: authOf('bob') });
    try {
      expect(stream.response.statusCode).toBe(200);
      await sleep(3000);
      const sent = await send(`${server.base}/api/messages`, {
        method: 'POST',
        headers: { Authorization: authOf('alice'), 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'still there?' }),
      });
      expect(sent.status).toBe(201);
      await stream.until((s) => s.messages.some((m) => m.text === 'still there?'));
      expect(stream.ended).toBe(false);
    } finally {
      stream.close();
    }
  }, 15_000);
});

describe('attack: many connections (MAX_CONNECTIONS_PER_ADDRESS=20, MAX_CONNECTIONS=30)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      MAX_CONNECTIONS_PER_ADDRESS: '20',
      MAX_CONNECTIONS: '30',
      HEADERS_TIMEOUT_SECONDS: '60',
      REQUEST_TIMEOUT_SECONDS: '60',
    });
  }, 40_000);
  afterAll(() => server?.stop());

  const openFrom = (address: string, count: number) =>
    Promise.all(Array.from({ length: count }, () => rawConnect(server.port, address)));
  const closeAll = async (clients: RawClient[]) => {
    for (const client of clients) client.socket.destroy();
    await Promise.all(clients.map((c) => c.closed));
    await sleep(200); // the server sees the closes
  };

  it('drops connections from one address beyond 20 at once; other addresses are still served', async () => {
    const clients = await openFrom(freshAddress(), 25);
    await sleep(300);
    expect(clients.filter((c) => c.isClosed())).toHaveLength(5);
    const other = await send(`${server.base}/api/health`, { localAddress: freshAddress() });
    expect(other.status).toBe(200);
    await closeAll(clients);
  });

  it('drops connections beyond 30 in total, and accepts again once some close', async () => {
    const clients = [...(await openFrom(freshAddress(), 20)), ...(await openFrom(freshAddress(), 10))];
    const latecomer = freshAddress();
    const extra = await rawConnect(server.port, latecomer);
    expect(await Promise.race([extra.closed, sleep(1000).then(() => 'open')])).not.toBe('open');
    expect(clients.every((c) => !c.isClosed())).toBe(true);

    await closeAll(clients.splice(0, 5));
    const res = await send(`${server.base}/api/health`, { localAddress: latecomer });
    expect(res.status).toBe(200);
    await closeAll(clients);
  });
});
