import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DIST, exited, randomPort, type Exit } from './process.js';
import { TEST_USERS_FILE } from './test-app.js';

/** The built server (dist/main.js) in a child process on a random loopback port. */
export class ServerProcess {
  stdout = '';
  readonly exit: Promise<Exit>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly port: number,
  ) {
    child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.exit = exited(child);
  }

  /** Starts the server; a port that another process took in the meantime is retried on another one. */
  static async start(env: Record<string, string> = {}): Promise<ServerProcess> {
    for (let attempt = 1; ; attempt++) {
      const port = randomPort();
      const child = spawn(process.execPath, [DIST + 'main.js'], {
        env: { PATH: process.env.PATH, USERS_FILE: TEST_USERS_FILE, PORT: String(port), ...env },
      });
      const server = new ServerProcess(child, port);
      try {
        await server.waitForOutput(/listening on|EADDRINUSE/);
        if (!server.stdout.includes('EADDRINUSE')) return server;
        child.kill('SIGKILL');
        if (attempt === 3) throw new Error(`no free port after 3 attempts:\n${server.stdout}`);
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in the server's output:\n${this.stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The JSON log lines written so far. */
  logLines(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async stop(): Promise<Exit> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }
}
