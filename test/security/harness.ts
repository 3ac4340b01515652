import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, type IncomingHttpHeaders, request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Socket } from 'node:net';
import { DIST, type Exit, exited } from '../support/process.js';
import {
  authOf,
  basic,
  PASSWORDS,
  TEST_USERS_FILE as USERS_FILE,
  type TestUser as User,
} from '../support/test-app.js';

/**
 * The attack suite's harness: the real built server (dist/main.js) in a child process on a free loopback port,
 * and clients over real sockets. Clients bind to their own loopback source address (127.0.0.x, Linux), so that
 * tests of one server do not share the per-address limits.
 */

export { authOf, basic, PASSWORDS, USERS_FILE };
export type { User };
export const USERS = Object.keys(PASSWORDS) as User[];

let lastAddress = 1;
/** A loopback source address no other test of this file has used: a fresh client for the per-address limits. */
export const freshAddress = () => `127.0.0.${++lastAddress}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly base: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the server printed so far, stdout and stderr (NO_COLOR=1: without colours). */
  output(): string;
  /** The server process's resident set size in KiB, from /proc/<pid>/status. */
  rssKiB(): Promise<number>;
  /** SIGTERM, SIGKILL after 5 s; resolves with the exit. */
  stop(): Promise<Exit>;
}

/**
 * Starts `node dist/main.js` with the test users, on loopback and a free port, plus `env`; resolves once
 * GET /api/health answers (whatever the log format), rejects (and kills it) if it exits or takes over 30 s.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [DIST + 'main.js'], {
    env: {
      PATH: process.env.PATH,
      NO_COLOR: '1',
      USERS_FILE,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = exited(child);
  let exitCode: number | null | undefined;
  void exit.then(({ code }) => (exitCode = code));

  const scheme = env.TLS_CERT_FILE ? 'https' : 'http';
  const base = `${scheme}://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode} before serving:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer GET /api/health in 30 s:\n${output}`);
    }
    const ready = await send(`${base}/api/health`, { rejectUnauthorized: false }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    await sleep(50);
  }

  return {
    base,
    port,
    pid: child.pid!,
    output: () => output,
    rssKiB: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Resolves once `predicate` holds for the server's output; rejects after `timeoutMs`. */
export async function outputMatching(
  server: RunningServer,
  predicate: (output: string) => boolean,
  timeoutMs = 3000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(server.output())) {
    if (Date.now() > deadline) throw new Error(`not in the server's output:\n${server.output()}`);
    await sleep(20);
  }
  return server.output();
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Milliseconds from sending the request to the end of the response. */
  ms: number;
}

export interface SendOptions extends Pick<RequestOptions, 'method' | 'localAddress' | 'agent'> {
  /** For https: false accepts any certificate (only the harness's readiness probe does). */
  rejectUnauthorized?: boolean;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For https: the certificate authorities to trust (default: Node's), and the name to verify. */
  ca?: string | Buffer;
  servername?: string;
}

/**
 * One request over a real socket (http or https by the URL), on a connection of its own unless an agent is given;
 * rejects on a socket or TLS error.
 */
export function send(url: string, options: SendOptions = {}): Promise<Reply> {
  const { body, ca, servername, rejectUnauthorized, agent = false, ...rest } = options;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    };
    const req = url.startsWith('https:')
      ? httpsRequest(url, { ...rest, agent, ca, servername, rejectUnauthorized }, onResponse)
      : httpRequest(url, { ...rest, agent }, onResponse);
    req.on('error', reject);
    req.end(body);
  });
}

/** A keep-alive agent whose sockets all come from `localAddress`. */
export const agentFrom = (localAddress: string, maxSockets = 1) =>
  new Agent({ keepAlive: true, maxSockets, localAddress });

/** How often each status occurs. */
export function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A raw TCP client: what it received and when the server closed it. */
export interface RawClient {
  socket: Socket;
  received(): string;
  /** Resolves with the milliseconds from connecting to the close. */
  closed: Promise<number>;
  isClosed(): boolean;
}

/** Opens a raw TCP connection from `localAddress`; resolves once connected. */
export function rawConnect(port: number, localAddress = '127.0.0.1'): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let data = '';
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('error', () => {}); // resets by the server are expected; `closed` reports them
    const closed = new Promise<number>((done) =>
      socket.on('close', () => {
        isClosed = true;
        done(performance.now() - started);
      }),
    );
    socket.once('connect', () => resolve({ socket, received: () => data, closed, isClosed: () => isClosed }));
    socket.once('error', reject);
  });
}
