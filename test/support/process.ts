import { spawn, type ChildProcess } from 'node:child_process';

export const DIST = new URL('../../dist/', import.meta.url).pathname;

/**
 * A random port for a test server, below Linux's ephemeral range (32768–60999), where any outgoing connection of the
 * machine may already hold the port.
 */
export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 12000);
}

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output and resolves when it exits. */
export function exited(child: ChildProcess): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs `node <dist script> ...args` with `input` on stdin. */
export function runNode(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
) {
  const child = spawn(process.execPath, [DIST + script, ...args], {
    env: { PATH: process.env.PATH, ...options.env },
    stdio: 'pipe',
  });
  child.stdin.end(options.input ?? '');
  return exited(child);
}
