// Helpers shared by the benchmark scripts: start the built server pinned to a core, read its memory, statistics.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import bcrypt from 'bcrypt';

export const ROOT = new URL('..', import.meta.url).pathname;
export const BENCH_USERS_FILE = `${ROOT}test/fixtures/users.json`;
export const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const ALICE = basic('alice', 'alice-password');
export const BOB = basic('bob', 'bob-password');

/** 100 bench users (user0..user99, bcrypt cost 10) in a file made once and kept out of git. */
export const USERS_FILE = `${ROOT}bench/.users.json`;
export const USER_COUNT = 100;
const password = (i) => `bench-password-${i}`;
export const auth = (i) => basic(`user${i}`, password(i));

export async function ensureUsers() {
  if (existsSync(USERS_FILE)) return;
  const users = await Promise.all(
    Array.from({ length: USER_COUNT }, async (_, i) => ({
      username: `user${i}`,
      displayName: `Bench User ${i}`,
      passwordHash: await bcrypt.hash(password(i), 10),
    })),
  );
  await writeFile(USERS_FILE, JSON.stringify({ users }));
}

const hasTaskset = existsSync('/usr/bin/taskset');

/** Runs `node <script>` pinned to `core` (when taskset exists); resolves once `readyPath` answers 200. */
export async function startServer({
  script = `${ROOT}dist/main.js`,
  port,
  env = {},
  core = 0,
  readyPath = '/api/health',
  nodeArgs = [],
}) {
  const args = [...nodeArgs, script];
  const child = hasTaskset
    ? spawn('taskset', ['-c', String(core), process.execPath, ...args], {
        env: { ...process.env, PORT: String(port), USERS_FILE: BENCH_USERS_FILE, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(process.execPath, args, {
        env: { ...process.env, PORT: String(port), USERS_FILE: BENCH_USERS_FILE, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${script} exited before it was ready`);
    const ok = await fetch(`http://127.0.0.1:${port}${readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  if (process.env.BENCH_SERVER_OUTPUT) child.stdout.pipe(process.stdout);
  else child.stdout.resume();
  return {
    pid: child.pid,
    async rssBytes() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Pins this process to `core`, so that the load generator and the server do not share one. */
export function pinSelf(core) {
  if (!hasTaskset) return;
  spawn('taskset', ['-pc', String(core), String(process.pid)], { stdio: 'ignore' });
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
