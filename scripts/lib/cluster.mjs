// Several instances of the built server (dist/main.js) on loopback ports behind HAProxy, all on one store: what
// `npm run cluster` runs, and what `npm run test:upgrade` replaces one instance at a time under load.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export const ROOT = new URL('../../', import.meta.url).pathname;
const TEMPLATE = `${ROOT}deploy/haproxy.cfg`;
/** How long an instance may take between SIGTERM and its exit; the server itself gives up after 10 s. */
const STOP_TIMEOUT_MS = 15_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children still running, stopped when this process exits for any reason (they run in process groups of their own). */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** The newest modification time of the files under `dir` that `skip` does not exclude. */
function newestMtime(dir, skip = () => false) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && !skip(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the server, and with `frontend` the page, when their output is missing or older than their sources. */
export function ensureBuilt({ frontend = false, log = console.log } = {}) {
  const spec = (path) => path.endsWith('.spec.ts');
  const dist = `${ROOT}dist`;
  if (!existsSync(`${dist}/main.js`) || newestMtime(`${ROOT}src`, spec) > newestMtime(dist)) {
    log('building the server: npm run build:server');
    execFileSync('npm', ['run', '-s', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  }
  const page = `${ROOT}frontend/dist/index.html`;
  if (frontend && (!existsSync(page) || newestMtime(`${ROOT}frontend/src`) > statSync(page).mtimeMs)) {
    log('building the page: npm run build:frontend');
    execFileSync('npm', ['run', '-s', 'build:frontend'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/** Whether nothing listens on `port` of `host`. */
export function portFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Whether a TCP connection to the host and port of `url` succeeds within a second. */
export function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) || 6379, timeout: 1000 });
    socket.once('connect', () => resolve(true) || socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false) || socket.destroy());
  });
}

/** The `STORE` URL of `schema` in the database of `url`, creating the schema if it does not exist. */
export async function postgresSchema(url, schema) {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a plain schema name: ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export async function dropPostgresSchema(url, schema) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The HAProxy binary: `HAPROXY`, or Debian's. */
export function haproxyBinary() {
  const candidates = [
    process.env.HAPROXY,
    '/usr/sbin/haproxy',
    '/usr/local/sbin/haproxy',
    '/usr/bin/haproxy',
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error('HAProxy not found: apt-get install -y haproxy (or set HAPROXY to its path)');
  return found;
}

/** deploy/haproxy.cfg with its placeholders filled in; comment lines are left as they are. */
export function haproxyConfig({ bind, statsSocket, servers }) {
  const values = {
    BIND: bind,
    STATS_SOCKET: statsSocket,
    SERVERS: servers.map((s) => `    server ${s.name} 127.0.0.1:${s.port} check`).join('\n'),
    STREAM_SERVERS: servers
      .map((s) => `    server ${s.name} 127.0.0.1:${s.port} track api/${s.name}`)
      .join('\n'),
  };
  return readFileSync(TEMPLATE, 'utf8')
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/\{\{(\w+)\}\}/g, (_, key) => {
            if (!(key in values)) throw new Error(`deploy/haproxy.cfg: unknown placeholder {{${key}}}`);
            return values[key];
          }),
    )
    .join('\n');
}

/** Calls `onLine` for every complete line of `stream`. */
function eachLine(stream, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => rest && onLine(rest));
}

/** Resolves with the status of `GET url` (0 when no answer comes within a second). */
function statusOf(url) {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', () => resolve(0));
    req.once('timeout', () => req.destroy());
  });
}

/** A child process whose output goes, line by line, to a log file and to `onLine`. */
function startChild(command, args, { env, logFile, onLine }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  // A process group of its own: a Ctrl-C in the terminal reaches only the script, which stops everything in order.
  const child = spawn(command, args, { env, cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const closed = new Promise((resolve) => child.once('close', resolve)).then(() => log.end());
  for (const stream of [child.stdout, child.stderr]) {
    eachLine(stream, (line) => {
      log.write(`${line}\n`);
      onLine?.(line);
    });
  }
  return { child, exit, closed };
}

/**
 * One run of the server on `port`: a generation of a cluster slot (`app1` build 1, then `app1` build 2, ...). `dist` is
 * the build's directory (the one holding main.js).
 */
export class Instance {
  exitInfo = null;
  errors = [];

  constructor({ name, port, build, dist = `${ROOT}dist`, env, dir, onLine }) {
    Object.assign(this, { name, port, build, dist });
    this.logFile = join(dir, `${name}-build-${build}.log`);
    const { child, exit, closed } = startChild(process.execPath, [join(dist, 'main.js')], {
      env: { ...env, HOST: '127.0.0.1', PORT: String(port), BUILD_ID: String(build) },
      logFile: this.logFile,
      onLine: (line) => {
        if (/"level":(50|60)\b|\bERROR\b|\bFATAL\b|Cannot start/.test(line)) this.errors.push(line);
        onLine?.(this, line);
      },
    });
    this.child = child;
    this.closed = closed;
    this.exit = exit.then((info) => (this.exitInfo = info));
  }

  get pid() {
    return this.child.pid;
  }

  get label() {
    return `${this.name} build ${this.build}`;
  }

  /** Resolves once the instance answers its health check itself; rejects if it exits first. */
  async ready(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.exitInfo) {
      if ((await statusOf(`http://127.0.0.1:${this.port}/api/health`)) === 200) return;
      if (Date.now() > deadline)
        throw new Error(`${this.label} not healthy after ${timeoutMs} ms (${this.logFile})`);
      await sleep(100);
    }
    await this.closed;
    throw new Error(`${this.label} exited at start (code ${this.exitInfo.code}):\n${this.errors.join('\n')}`);
  }

  /** SIGTERM, and SIGKILL if it has not exited after STOP_TIMEOUT_MS; resolves with how it exited. */
  async stop(signal = 'SIGTERM') {
    if (this.exitInfo) return this.exitInfo;
    const sent = Date.now();
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const info = await this.exit;
    clearTimeout(timer);
    await this.closed;
    return { ...info, ms: info.at - sent };
  }
}

/** HAProxy on a generated configuration, and its runtime API (the admin stats socket). */
export class Haproxy {
  static async start({ dir, bind, servers, onLine }) {
    const binary = haproxyBinary();
    const socket = join(dir, 'haproxy.sock');
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig({ bind, statsSocket: socket, servers }));
    execFileSync(binary, ['-c', '-q', '-f', config], { stdio: ['ignore', 'ignore', 'inherit'] });
    const version = /version (\S+)/.exec(execFileSync(binary, ['-v'], { encoding: 'utf8' }))?.[1] ?? '?';
    // -db: stay in the foreground, not a daemon; logs go to stdout (see the template's `log stdout`).
    const started = startChild(binary, ['-db', '-f', config], {
      env: process.env,
      logFile: join(dir, 'haproxy.log'),
      onLine,
    });
    const haproxy = new Haproxy(started, socket, version, join(dir, 'haproxy.log'));
    const deadline = Date.now() + 10_000;
    while (
      !(await haproxy.command('show info').then(
        () => true,
        () => false,
      ))
    ) {
      if (haproxy.exitInfo)
        throw new Error(`HAProxy exited at start (code ${haproxy.exitInfo.code}); see ${haproxy.logFile}`);
      if (Date.now() > deadline)
        throw new Error(`HAProxy's runtime API did not answer; see ${haproxy.logFile}`);
      await sleep(50);
    }
    return haproxy;
  }

  constructor({ child, exit, closed }, socket, version, logFile) {
    Object.assign(this, { child, closed, socket, version, logFile });
    this.exitInfo = null;
    this.exit = exit.then((info) => (this.exitInfo = info));
  }

  get pid() {
    return this.child.pid;
  }

  /** Sends one runtime API command; resolves with the answer. */
  command(command) {
    return new Promise((resolve, reject) => {
      let answer = '';
      const connection = createConnection(this.socket, () => connection.end(`${command}\n`));
      connection.setEncoding('utf8');
      connection.on('data', (chunk) => (answer += chunk));
      connection.once('end', () => resolve(answer));
      connection.once('error', reject);
    });
  }

  /** `show stat` as objects keyed by its CSV columns (pxname, svname, scur, qcur, status, ...). */
  async stats() {
    const [header, ...rows] = (await this.command('show stat')).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i], value])));
  }

  /** The requests in flight to, and queued for, `backend/server`. */
  async inFlight(backend, server) {
    const row = (await this.stats()).find((r) => r.pxname === backend && r.svname === server);
    if (!row) throw new Error(`no server ${backend}/${server} in HAProxy`);
    return Number(row.scur) + Number(row.qcur);
  }

  /** Per server of `backend`: whether its checks pass (`running`) and its admin state (`drain`, `maint` or `ready`). */
  async servers(backend) {
    const lines = (await this.command(`show servers state ${backend}`)).trim().split('\n');
    const columns = lines[1].replace(/^# /, '').split(' ');
    const states = new Map();
    for (const line of lines.slice(2)) {
      const row = Object.fromEntries(line.split(' ').map((value, i) => [columns[i], value]));
      const admin = Number(row.srv_admin_state);
      states.set(row.srv_name, {
        running: row.srv_op_state === '2',
        admin: admin & 0x67 ? 'maint' : admin & 0x18 ? 'drain' : 'ready',
      });
    }
    return states;
  }

  /** Sets the admin state of `server` in every backend (api and stream). */
  async setState(server, state) {
    for (const backend of ['api', 'stream']) {
      const answer = (await this.command(`set server ${backend}/${server} state ${state}`)).trim();
      if (answer) throw new Error(`set server ${backend}/${server} state ${state}: ${answer}`);
    }
  }

  async stop() {
    if (!this.exitInfo) this.child.kill('SIGTERM');
    await this.exit;
    await this.closed;
    return this.exitInfo;
  }
}

/**
 * `count` instances named app1..appN on ports `firstPort`.. behind HAProxy on `bind`. `env` is the instances'
 * environment (their HOST, PORT and BUILD_ID are set here); `dist` the build they run (default: dist/);
 * `onInstanceLine(instance, line)` sees their output.
 */
export class Cluster {
  static async start({ count, bind, firstPort, env, dir, build = 1, dist, onInstanceLine, onHaproxyLine }) {
    const cluster = new Cluster({ env, dir, onInstanceLine });
    const names = Array.from({ length: count }, (_, i) => ({ name: `app${i + 1}`, port: firstPort + i }));
    cluster.instances = names.map(({ name, port }) => cluster.launch(name, port, build, dist));
    try {
      await Promise.all(cluster.instances.map((instance) => instance.ready()));
      cluster.haproxy = await Haproxy.start({ dir, bind, servers: names, onLine: onHaproxyLine });
      await Promise.all(names.map(({ name }) => cluster.waitUp(name)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  constructor({ env, dir, onInstanceLine }) {
    Object.assign(this, { env, dir, onInstanceLine });
    this.instances = [];
    /** Every instance started, the replaced ones included. */
    this.history = [];
    this.haproxy = null;
  }

  launch(name, port, build, dist) {
    const instance = new Instance({
      name,
      port,
      build,
      dist,
      env: this.env,
      dir: this.dir,
      onLine: this.onInstanceLine,
    });
    this.history.push(instance);
    return instance;
  }

  instance(name) {
    const found = this.instances.find((i) => i.name === name);
    if (!found) throw new Error(`no instance ${name}`);
    return found;
  }

  /** Resolves once HAProxy's health checks of `name` pass. */
  async waitUp(name, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.haproxy.servers('api')).get(name)?.running) {
      if (Date.now() > deadline) throw new Error(`HAProxy does not see ${name} up after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** Resolves once HAProxy has no request in flight to `name`; false when `timeoutMs` passed first. */
  async waitIdle(name, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while ((await this.haproxy.inFlight('api', name)) > 0) {
      if (Date.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  /**
   * Replaces instance `name` by build `build` on the same port: drain it in HAProxy, wait until no request is in
   * flight to it, SIGTERM it (its streams end and their clients reconnect to the others), start the new build, wait
   * until HAProxy's checks pass, and let HAProxy send it traffic again. `onStep(step, instance)` hears each step as it
   * starts (drain, stop: the old instance; start, serving: the new one). Resolves with the time each step took, whether
   * the in-flight requests finished before the SIGTERM, and how the old process exited. With `drain: false` the
   * instance gets its SIGTERM while HAProxy still sends it requests (a test of HAProxy's retries). `dist`: the new
   * build's directory, by default the old one's.
   */
  async replace(name, build, onStep = () => {}, { drain = true, dist } = {}) {
    const old = this.instance(name);
    const steps = {};
    let at = Date.now();
    const took = (label) => {
      const now = Date.now();
      steps[label] = now - at;
      at = now;
    };
    let idle = true;
    if (drain) {
      onStep('drain', old);
      await this.haproxy.setState(name, 'drain');
      idle = await this.waitIdle(name);
      took('drain');
    }
    onStep('stop', old);
    const exit = await old.stop();
    took('stop');
    const next = this.launch(name, old.port, build, dist ?? old.dist);
    this.instances[this.instances.indexOf(old)] = next;
    onStep('start', next);
    await next.ready();
    took('start');
    await this.waitUp(name);
    took('up');
    if (drain) await this.haproxy.setState(name, 'ready');
    onStep('serving', next);
    return { steps, idle, exit, old, next };
  }

  /** Stops the instances (SIGTERM, at once: each ends its streams and exits), then HAProxy. */
  async stop() {
    const exits = await Promise.all(this.instances.map((instance) => instance.stop()));
    const haproxy = await this.haproxy?.stop();
    return { exits, haproxy };
  }
}
