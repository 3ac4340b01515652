import { once } from 'node:events';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  authOf,
  freshAddress,
  rawConnect,
  type Reply,
  type RunningServer,
  send,
  sleep,
  startServer,
} from './harness.js';

const MiB = 1024 * 1024;

describe('attack: oversized and hostile requests against the real server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, 40_000);
  afterAll(() => server?.stop());

  const post = (body: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> =>
    send(`${server.base}/api/messages`, {
      method: 'POST',
      headers: { Authorization: authOf('alice'), 'Content-Type': 'application/json', ...headers },
      body,
      localAddress: '127.0.0.250',
    });
  const messageOf = (reply: Reply) => (JSON.parse(reply.body) as { message: unknown }).message;

  /** Runs `attack` while sampling the server's RSS every 20 ms; returns its result and the growth in MiB. */
  async function watchingRss<T>(attack: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
    const baseline = await server.rssKiB();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await server.rssKiB());
        await sleep(20);
      }
    })();
    try {
      const result = await attack();
      await sleep(100);
      return { result, growthMiB: (peak - baseline) / 1024 };
    } finally {
      sampling = false;
      await sampler;
    }
  }

  /**
   * POSTs `size` bytes of a JSON text without credentials (an anonymous attacker), with Content-Length or
   * chunked, and stops sending once the server answers. Resolves with the status line of the answer.
   */
  async function flood(size: number, framing: 'content-length' | 'chunked'): Promise<string> {
    const client = await rawConnect(server.port, freshAddress());
    const length = framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`;
    client.socket.write(
      `POST /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${length}\r\n\r\n`,
    );
    const piece = Buffer.alloc(64 * 1024, 'a');
    piece.write('{"text":"');
    for (let sent = 0; sent < size && !client.isClosed() && !client.received(); sent += piece.length) {
      const frame =
        framing === 'chunked'
          ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
          : piece;
      if (!client.socket.write(frame)) await Promise.race([once(client.socket, 'drain'), client.closed]);
    }
    // body-parser reads (and drops) the rest of an oversized body before it answers, so a chunked body must end.
    if (framing === 'chunked' && !client.isClosed()) client.socket.write('0\r\n\r\n');
    const deadline = Date.now() + 5000;
    while (!client.received().includes('\r\n\r\n') && !client.isClosed() && Date.now() < deadline)
      await sleep(10);
    client.socket.destroy();
    return client.received().split('\r\n')[0];
  }

  it('answers a 20 KB request header with 431 before any handler runs', async () => {
    const res = await send(`${server.base}/api/health`, {
      headers: { 'X-Padding': 'a'.repeat(20 * 1024) },
      localAddress: freshAddress(),
    });
    expect(res.status).toBe(431);
    // A header well inside the 16 KiB limit still passes.
    const fine = await send(`${server.base}/api/health`, {
      headers: { 'X-Padding': 'a'.repeat(8 * 1024) },
      localAddress: freshAddress(),
    });
    expect(fine.status).toBe(200);
  });

  it.each(['content-length', 'chunked'] as const)(
    'answers a 10 MB body (%s) with 413 and the server RSS grows by less than 20 MiB',
    async (framing) => {
      const { result, growthMiB } = await watchingRss(() => flood(10 * MiB, framing));
      expect(result).toBe('HTTP/1.1 413 Payload Too Large');
      // The server reads and drops the excess, so up to about 10 MiB of garbage may wait for the GC; keeping the
      // body would cost its bytes, their concatenation and the decoded string: well over 20 MiB.
      expect(growthMiB).toBeLessThan(20);
    },
    20_000,
  );

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const)(
    'refuses a %s bomb (10 MiB in a few KB) with 415 without inflating it: RSS grows by less than 10 MiB',
    async (encoding, compress) => {
      const bomb = compress(Buffer.from(`{"text":"${'a'.repeat(10 * MiB)}"}`));
      expect(bomb.length).toBeLessThan(16 * 1024);
      const { result, growthMiB } = await watchingRss(() => post(bomb, { 'Content-Encoding': encoding }));
      expect(result.status).toBe(415);
      expect(growthMiB).toBeLessThan(10);
    },
  );

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/html',
  ])('answers a POST with Content-Type %s with 415', async (type) => {
    const res = await post('{"text":"hi"}', { 'Content-Type': type });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('answers malformed JSON with 400 and no stack trace', async () => {
    const res = await post('{"text": "unterminated');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request body is not valid JSON',
    });
  });

  it('answers 10 000-deep JSON (20 KB, over the body limit) with 413, never a 500', async () => {
    const res = await post(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(res.status).toBe(413);
  });

  it('answers JSON nested 8000 deep within the 16 KiB limit with 400 before anything walks it', async () => {
    const body = `{"text":${'['.repeat(8000)}${']'.repeat(8000)}}`;
    expect(body.length).toBeLessThan(16 * 1024);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(messageOf(res)).toBe('Request body is nested deeper than 16 levels');
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a body with the key %s (prototype pollution) with 400',
    async (key) => {
      const res = await post(`{"text":"hi","nested":{"${key}":{"isAdmin":true}}}`);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toBe(`Request body must not contain the key "${key}"`);
    },
  );

  it('still accepts the largest legal message: 4000 emoji (16 011 bytes)', async () => {
    const res = await post(JSON.stringify({ text: '🔑'.repeat(4000) }));
    expect(res.status).toBe(201);
  });
});
