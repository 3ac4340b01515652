import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SseClient } from '../support/sse-client.js';
import { authOf, type Reply, type RunningServer, send, startServer } from './harness.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | string[] | undefined): Record<string, string[]> {
  const entries = String(csp ?? '')
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter(([name]) => name);
  return Object.fromEntries(entries.map(([name, ...values]) => [name, values]));
}

describe('attack: the browser as a weapon (XSS, framing, sniffing, cross-origin calls), default settings', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  }, 40_000);
  afterAll(() => server?.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    send(`${server.base}${path}`, { headers });

  it('serves the page with a strict CSP: scripts only from self, no inline script, no framing, no plugins', async () => {
    const page = await get('/');
    const csp = directives(page.headers['content-security-policy']);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'self'"]);
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-powered-by']).toBeUndefined();
    expect(page.headers['strict-transport-security']).toBeUndefined(); // only over HTTPS
  });

  it('sends nosniff and the CSP on API answers too, and no X-Powered-By', async () => {
    const res = await get('/api/me', { Authorization: authOf('alice') });
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(directives(res.headers['content-security-policy'])['frame-ancestors']).toEqual(["'none'"]);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('returns a stored XSS payload verbatim as JSON text with application/json and nosniff, also on the stream', async () => {
    const payload = `<script>alert(document.cookie)</script><img src=x onerror="alert('x')"></textarea>`;
    const stream = await SseClient.open(`${server.base}/api/stream`, { Authorization: authOf('bob') });
    try {
      const sent = await send(`${server.base}/api/messages`, {
        method: 'POST',
        headers: { Authorization: authOf('alice'), 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: payload }),
      });
      expect(sent.status).toBe(201);

      const read: Reply = await get('/api/messages', { Authorization: authOf('bob') });
      expect(read.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(read.headers['x-content-type-options']).toBe('nosniff');
      expect(read.body).toContain(JSON.stringify(payload));
      const { messages } = JSON.parse(read.body) as { messages: { text: string }[] };
      expect(messages.at(-1)!.text).toBe(payload);

      await stream.until((s) => s.messages.length === 1);
      expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(stream.messages[0].text).toBe(payload);
    } finally {
      stream.close();
    }
  });

  it('answers a path carrying markup with a JSON 404, not HTML', async () => {
    const res = await get('/api/%3Cscript%3Ealert(1)%3C%2Fscript%3E', { Authorization: authOf('alice') });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends no CORS headers to a cross-origin caller, neither on a request nor on a preflight', async () => {
    const origin = 'https://evil.example';
    const res = await get('/api/messages', { Authorization: authOf('alice'), Origin: origin });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const preflight = await send(`${server.base}/api/messages`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });
});

describe('attack: cross-origin calls with CORS_ORIGINS=https://chat.example.com', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ CORS_ORIGINS: 'https://chat.example.com' });
  }, 40_000);
  afterAll(() => server?.stop());

  const preflight = (origin: string) =>
    send(`${server.base}/api/messages`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
    });

  it('allows the listed origin, on requests and preflights', async () => {
    const res = await send(`${server.base}/api/me`, {
      headers: { Authorization: authOf('alice'), Origin: 'https://chat.example.com' },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://chat.example.com');
    const pre = await preflight('https://chat.example.com');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://chat.example.com');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('Authorization');
    // PATCH /api/me and DELETE of a channel member are cross-origin calls too.
    expect(String(pre.headers['access-control-allow-methods']).split(',')).toEqual([
      'GET',
      'POST',
      'PATCH',
      'DELETE',
    ]);
  });

  it('still sends no Access-Control-Allow-Origin to any other origin', async () => {
    for (const origin of ['https://evil.example', 'https://chat.example.com.evil.example', 'null']) {
      const res = await send(`${server.base}/api/me`, {
        headers: { Authorization: authOf('alice'), Origin: origin },
      });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect((await preflight(origin)).headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
