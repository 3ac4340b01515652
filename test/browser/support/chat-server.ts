import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const USERS_FILE = fileURLToPath(new URL('../../fixtures/users.json', import.meta.url));

/** The passwords of test/fixtures/users.json. */
export const PASSWORDS = {
  alice: 'alice-password',
  bob: 'bob-password',
  carol: 'carol-password',
} as const;

export type TestUser = keyof typeof PASSWORDS;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `node dist/main.js` (with frontend/dist served at /) on a free port, with the test users. */
export class ChatServer {
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    /** Extra environment for the server (e.g. `SIGNUP`). */
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(env: Record<string, string> = {}): Promise<ChatServer> {
    const server = new ChatServer(await freePort(), env);
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        USERS_FILE,
        LOG_LEVEL: 'warn',
        // Tests seed many messages at once through the API.
        SEND_RATE_PER_SECOND: '1000',
        SEND_BURST: '1000',
        // Load shedding answers 503 while start-up or a busy CI machine delays the event loop; /api/health is
        // exempt, so "ready" above would not mean the page loads. These tests are not about shedding.
        OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited at start:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/api/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`server did not answer /api/health within 20 s:\n${this.output}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Starts a new server on the same port after `stop()`; messages were in memory, so they are gone. */
  async startAgain(): Promise<void> {
    await this.launch();
  }

  /** Calls the API as `user` (Basic auth, JSON body when given). */
  request(user: TestUser, method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${user}:${PASSWORDS[user]}`).toString('base64')}`,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Sends a message through the API, as `user`, to `general` unless told otherwise. */
  async send(user: TestUser, text: string, channel?: string): Promise<void> {
    const path = channel ? `/api/channels/${encodeURIComponent(channel)}/messages` : '/api/messages';
    const response = await this.request(user, 'POST', path, { text });
    if (response.status !== 201) throw new Error(`send failed: ${response.status} ${await response.text()}`);
  }
}
