import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, exited, runNode, type Exit } from './process.js';
import { PASSWORDS, type TestUser } from './test-app.js';

/** The built `chat` client (bin/chat.js imports this). */
export const CHAT_MAIN = DIST + 'cli/main.js';

const homes: string[] = [];

/** An empty HOME for one test: no ~/.netrc, no ~/.config/chat. */
export async function newHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'chat-cli-home-'));
  homes.push(home);
  return home;
}

/** Removes the homes made by this test file; call in `afterAll`. */
export async function removeHomes(): Promise<void> {
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
}

/** The environment that logs `user` in on `server` without a netrc. */
export const as = (user: TestUser, server: string) => ({
  CHAT_SERVER: server,
  CHAT_USER: user,
  CHAT_PASSWORD: PASSWORDS[user],
});

/** Runs `chat ...args` to its end, with stdout and stderr piped (so not a terminal). */
export function chat(
  home: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Exit> {
  return runNode('cli/main.js', args, { env: { HOME: home, ...options.env }, input: options.input });
}

/** A long-running `chat` (tail --follow) whose output lines can be awaited. */
export class ChatProcess {
  stdout = '';
  stderr = '';
  readonly exit: Promise<Exit>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = exited(child);
  }

  static start(home: string, args: string[], env: Record<string, string>): ChatProcess {
    return new ChatProcess(
      spawn(process.execPath, [CHAT_MAIN, ...args], { env: { PATH: process.env.PATH, HOME: home, ...env } }),
    );
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((line) => line !== '');
  }

  /** The `--json` output, parsed. */
  get messages(): { id: number; channel: string; user: string; text: string }[] {
    return this.lines.map((line) => JSON.parse(line));
  }

  async until(predicate: (p: ChatProcess) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (this.child.exitCode !== null) throw new Error(`chat exited before ${what}:\n${this.stderr}`);
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<Exit> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }
}

/** A loopback port that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
