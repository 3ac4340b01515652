import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { OverloadMonitor } from '../../src/common/overload.js';
import type { AppConfig } from '../../src/config/app.config.js';
import { send, sleep } from './harness.js';

/**
 * Overload (OVERLOAD_EVENT_LOOP_DELAY_MS): the real server's event loop cannot be made to lag on demand from
 * outside, so the monitor is fed delays by hand and its middleware runs in an Express app on a real socket.
 */
describe('attack: overload by a request flood (OverloadMonitor, OVERLOAD_EVENT_LOOP_DELAY_MS=500)', () => {
  let monitor: OverloadMonitor;
  let server: Server;
  let base: string;
  afterEach(async () => {
    monitor.onModuleDestroy();
    await new Promise((resolve) => server.close(resolve));
  });

  async function start(overloadDelayMs: number) {
    monitor = new OverloadMonitor({ server: { overloadDelayMs } } as AppConfig);
    const app = express();
    app.use(monitor.middleware);
    app.get('/api/messages', (_req, res) => void res.json({ messages: [] }));
    app.get('/api/health', (_req, res) => void res.json({ status: 'ok' }));
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it('sheds new requests with 503 + Retry-After while the event-loop delay is past the threshold, health excepted', async () => {
    await start(500);
    monitor.sample(750);
    const shed = await send(`${base}/api/messages`);
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('2');
    expect(JSON.parse(shed.body)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Server overloaded; retry later',
    });
    expect((await send(`${base}/api/health`)).status).toBe(200);
  });

  it('serves again once the delay falls back under the threshold', async () => {
    await start(500);
    monitor.sample(750);
    expect((await send(`${base}/api/messages`)).status).toBe(503);
    monitor.sample(20);
    expect((await send(`${base}/api/messages`)).status).toBe(200);
  });

  it('never sheds at or under the threshold, nor when the threshold is 0 (off)', async () => {
    await start(500);
    monitor.sample(500);
    expect((await send(`${base}/api/messages`)).status).toBe(200);
    monitor.onModuleDestroy();
    await new Promise((resolve) => server.close(resolve));
    await start(0);
    monitor.sample(60_000);
    expect((await send(`${base}/api/messages`)).status).toBe(200);
  });

  it('measures the real event loop: under sustained 700 ms stalls it sheds load', async () => {
    await start(500);
    // Stalls as CPU-bound work under a flood would cause, with short breaks in which the monitor samples. (A single
    // stall that ends right at a sample can go unrecorded: the histogram's reset drops the interval in progress.)
    for (let stall = 0; stall < 4 && !monitor.overloaded; stall++) {
      const until = Date.now() + 700;
      while (Date.now() < until);
      for (let i = 0; i < 10 && !monitor.overloaded; i++) await sleep(10);
    }
    expect(monitor.overloaded).toBe(true);
    expect((await send(`${base}/api/messages`)).status).toBe(503);
  });
});
