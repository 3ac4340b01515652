import { spawn } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { DIST, exited, randomPort } from './support/process.js';
import { SseClient } from './support/sse-client.js';
import { authOf, TEST_USERS_FILE } from './support/test-app.js';

describe('graceful shutdown (API.md: streams end cleanly on shutdown)', () => {
  it('on SIGTERM ends open streams and held long polls, then exits 0 (it would exit 1 after 10 s)', async () => {
    const port = String(randomPort());
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, [DIST + 'main.js'], {
      env: { PATH: process.env.PATH, USERS_FILE: TEST_USERS_FILE, PORT: port },
    });
    const exit = exited(server);
    await new Promise<void>((resolve) =>
      server.stdout.on('data', (d: Buffer) => /listening/.test(String(d)) && resolve()),
    );

    const headers = { Authorization: authOf('bob') };
    const streams = await Promise.all([1, 2, 3].map(() => SseClient.open(`${base}/api/stream`, headers)));
    const longPoll = fetch(`${base}/api/messages?after=0&wait=30`, { headers });
    await new Promise((resolve) => setTimeout(resolve, 200));

    server.kill('SIGTERM');
    const { code } = await exit;
    expect(code).toBe(0);
    expect(streams.every((s) => s.ended)).toBe(true);
    const poll = await longPoll;
    expect(poll.status).toBe(200);
    expect(await poll.json()).toEqual({ messages: [], hasOlder: false, hasNewer: false });
  });
});
