import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { Lifecycle } from '../src/common/lifecycle.js';
import { ServerProcess } from './support/server-process.js';
import { SseClient } from './support/sse-client.js';
import { authOf, basic, createTestApp, TEST_USERS_FILE } from './support/test-app.js';

/** Starts a POST whose body is sent later, so that the request stays in flight. */
function inFlightPost(url: string) {
  const body = JSON.stringify({ text: 'sent during shutdown' });
  let status = 0;
  const req = httpRequest(`${url}/api/messages`, {
    method: 'POST',
    headers: {
      Authorization: authOf('alice'),
      'Content-Type': 'application/json',
      'Content-Length': body.length,
    },
  });
  const done = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => resolve(status));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 5));
  return { finish: () => req.end(body.slice(5)), done };
}

describe('operations', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  describe('graceful shutdown', () => {
    it('answers health with 503 once draining has begun', async () => {
      const app = await createTestApp();
      await request(app.getHttpServer()).get('/api/health').expect(200);
      app.get(Lifecycle).beginDraining();
      await request(app.getHttpServer()).get('/api/health').expect(503);
      await app.close();
    });

    it('on SIGTERM finishes an in-flight request, ends open streams and exits 0', async () => {
      server = await ServerProcess.start();
      await fetch(`${server.url}/api/me`, { headers: { Authorization: authOf('alice') } });
      const stream = await SseClient.open(`${server.url}/api/stream`, { Authorization: authOf('bob') });
      const post = inFlightPost(server.url);
      await new Promise((resolve) => setTimeout(resolve, 100));

      server.child.kill('SIGTERM');
      await server.waitForOutput(/SIGTERM: shutting down/);
      await stream.until((s) => s.ended, 'the stream to end');
      post.finish();
      expect(await post.done).toBe(201);
      expect((await server.exit).code).toBe(0);
    });

    it('exits at once on a second signal, without waiting for in-flight requests', async () => {
      server = await ServerProcess.start();
      await fetch(`${server.url}/api/me`, { headers: { Authorization: authOf('alice') } });
      const post = inFlightPost(server.url);
      post.done.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      server.child.kill('SIGTERM');
      await server.waitForOutput(/SIGTERM: shutting down/);
      server.child.kill('SIGTERM');
      expect((await server.exit).code).toBe(1);
    });
  });

  it('SIGHUP reloads the user file: added users can log in, removed ones cannot and lose their streams', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'chat-reload-')), 'users.json');
    await copyFile(TEST_USERS_FILE, file);
    server = await ServerProcess.start({ USERS_FILE: file });
    const carolStream = await SseClient.open(`${server.url}/api/stream`, { Authorization: authOf('carol') });
    const me = (auth: string) => fetch(`${server!.url}/api/me`, { headers: { Authorization: auth } });
    expect((await me(basic('erin', 'erin-password'))).status).toBe(401);

    const users = JSON.parse(await readFile(file, 'utf8')) as { users: { username: string }[] };
    users.users = users.users.filter((u) => u.username !== 'carol');
    users.users.push({
      username: 'erin',
      displayName: 'Erin',
      passwordHash: await bcrypt.hash('erin-password', 10),
    } as never);
    await writeFile(file, JSON.stringify(users));
    server.child.kill('SIGHUP');
    await server.waitForOutput(/user file reloaded; removed carol/);

    await carolStream.until((s) => s.ended, "carol's stream to end");
    expect((await me(basic('erin', 'erin-password'))).status).toBe(200);
    expect((await me(authOf('carol'))).status).toBe(401);
    expect((await me(authOf('alice'))).status).toBe(200);
  });

  it('keeps the users loaded before when the reloaded file is invalid', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'chat-reload-')), 'users.json');
    await copyFile(TEST_USERS_FILE, file);
    server = await ServerProcess.start({ USERS_FILE: file });
    await writeFile(file, '{"users": [{"username": "x"}]}');
    server.child.kill('SIGHUP');
    await server.waitForOutput(/user file not reloaded/);
    expect(
      (await fetch(`${server.url}/api/me`, { headers: { Authorization: authOf('alice') } })).status,
    ).toBe(200);
  });

  it('serves Prometheus metrics on METRICS_PORT only, with the named series', async () => {
    const metricsPort = 12000 + Math.floor(Math.random() * 8000); // below the servers' ports and the ephemeral range
    server = await ServerProcess.start({ METRICS_PORT: String(metricsPort), LOGIN_MAX_FAILURES: '1' });
    const api = server.url;
    await fetch(`${api}/api/messages`, {
      method: 'POST',
      headers: { Authorization: authOf('alice'), 'Content-Type': 'application/json' },
      body: '{"text":"counted"}',
    });
    const stream = await SseClient.open(`${api}/api/stream`, { Authorization: authOf('alice') });
    // With LOGIN_MAX_FAILURES=1 the first wrong password is a 401, the second a 429.
    await fetch(`${api}/api/me`, { headers: { Authorization: basic('bob', 'wrong') } });
    await fetch(`${api}/api/me`, { headers: { Authorization: basic('bob', 'wrong') } });

    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    stream.close();
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/api\/messages",status="201"\} 1$/m,
    );
    expect(text).toMatch(/^chat_messages_stored_total 1$/m);
    expect(text).toMatch(/^chat_open_streams 1$/m);
    expect(text).toMatch(/^chat_auth_failures_total 1$/m);
    expect(text).toMatch(/^chat_rate_limited_total 1$/m);
    expect(text).toMatch(/^chat_evicted_messages_total 0$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);

    const onApi = await fetch(`${api}/metrics`, { headers: { Authorization: authOf('alice') } });
    expect(await onApi.text()).not.toContain('chat_messages_stored_total');
  });

  it('logs one JSON line per request with id, user, method, route, status and latency, never credentials', async () => {
    server = await ServerProcess.start();
    await fetch(`${server.url}/api/me`, {
      headers: { Authorization: authOf('zoe'), 'X-Request-Id': 'trace-42' },
    });
    await fetch(`${server.url}/api/me`, { headers: { Authorization: authOf('dave') } });
    await server.stop();
    const line = server.logLines().find((l) => (l.req as { id?: string } | undefined)?.id === 'trace-42');
    expect(line).toMatchObject({
      user: 'zoe',
      route: '/api/me',
      req: { id: 'trace-42', method: 'GET', url: '/api/me' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    for (const secret of ['pässwörd', 'pa:ss:word', authOf('zoe'), authOf('dave'), 'Basic ']) {
      expect(server.stdout).not.toContain(secret);
    }
  });
});
