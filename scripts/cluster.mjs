// npm run cluster -- [--instances N] [--port P]: N instances of the built server behind HAProxy on
// http://localhost:P, all on one PostgreSQL store and one Redis. Enter `restart` for a rolling restart, Ctrl-C stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { Cluster, ensureBuilt, portFree, postgresSchema, reachable } from './lib/cluster.mjs';

const USAGE = `Usage: npm run cluster -- [--instances N] [--port P] [--no-build]

Starts N instances (default 2) of the built server on ports P+1..P+N behind HAProxy on http://localhost:P
(default 3000), building the server and the page first if their sources changed (--no-build: run dist as it is). The instances share:
  STORE      default postgres://postgres@127.0.0.1:5432/test in schema chat_cluster (kept between runs)
  REDIS_URL  default redis://127.0.0.1:6379 when something listens there
Any other setting comes from the environment (USERS_FILE defaults to ./users.json, as for npm start).
Type "restart" and Enter for a rolling restart (one instance at a time, no failed request), "status" for
HAProxy's view; Ctrl-C stops everything.`;

const DEFAULT_DATABASE = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
const COLOURS = [pc.cyan, pc.magenta, pc.yellow, pc.green, pc.blue];

function options() {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '2' },
      port: { type: 'string', default: '3000' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const instances = Number(values.instances);
  const port = Number(values.port);
  if (!Number.isInteger(instances) || instances < 1 || instances > 16) fail('--instances must be 1..16');
  if (!Number.isInteger(port) || port < 1 || port + instances > 65535) fail('--port must be a port number');
  return { instances, port, build: !values['no-build'] };
}

function fail(message) {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

const say = (message) => console.log(pc.bold(`[cluster] ${message}`));

let dir;
// Until the cluster runs, a signal just exits: the exit stops every child started so far (scripts/lib/cluster.mjs).
let onSignal = () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.exit(130);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void onSignal());

async function main() {
  const { instances, port, build: buildFirst } = options();
  for (const p of Array.from({ length: instances + 1 }, (_, i) => port + i)) {
    if (!(await portFree(p))) fail(`port ${p} is in use (--port moves the proxy and the instances)`);
  }
  if (buildFirst) ensureBuilt({ frontend: true, log: say });

  const env = { ...process.env };
  if (!env.STORE) env.STORE = await postgresSchema(DEFAULT_DATABASE, 'chat_cluster');
  else if (!/^postgres(ql)?:\/\//.test(env.STORE))
    fail('instances share their messages through PostgreSQL: STORE must be a postgres:// URL');
  if (!env.REDIS_URL && (await reachable(DEFAULT_REDIS))) env.REDIS_URL = DEFAULT_REDIS;
  // Every connection comes from HAProxy: believe its X-Forwarded-For, and let one address hold every stream.
  env.TRUST_PROXY ??= 'loopback';
  env.MAX_CONNECTIONS_PER_ADDRESS ??= '15000';
  if (env.REDIS_URL) env.REDIS_PREFIX ??= 'chat-cluster';
  env.LOG_FORMAT ??= process.stdout.isTTY ? 'pretty' : 'json';

  dir = mkdtempSync(join(tmpdir(), 'chat-cluster-'));
  const prefix = (instance) =>
    COLOURS[(Number(instance.name.slice(3)) - 1) % COLOURS.length](`[${instance.name} b${instance.build}]`);
  say(`starting ${instances} instances and HAProxy (logs in ${dir})`);
  let cluster;
  try {
    cluster = await Cluster.start({
      count: instances,
      bind: `127.0.0.1:${port}`,
      firstPort: port + 1,
      env,
      dir,
      onInstanceLine: (instance, line) => console.log(`${prefix(instance)} ${line}`),
    });
  } catch (error) {
    fail(error.message);
  }

  const store = env.STORE.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
  say(
    `http://localhost:${port} → ${cluster.instances.map((i) => `${i.name} 127.0.0.1:${i.port} (pid ${i.pid})`).join(', ')}`,
  );
  say(
    `HAProxy ${cluster.haproxy.version} pid ${cluster.haproxy.pid}; runtime API: ${cluster.haproxy.socket}`,
  );
  say(`store ${store}; ${env.REDIS_URL ? `Redis ${env.REDIS_URL}` : 'no Redis (limits per instance)'}`);
  say('type "restart" for a rolling restart, "status" for HAProxy\'s view; Ctrl-C stops');

  let build = 1;
  let busy = false;
  let stopping = false;
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const command = line.trim();
    if (!command || stopping) return;
    if (busy) return say('busy, one moment');
    busy = true;
    (command === 'restart'
      ? rollingRestart(cluster, ++build)
      : command === 'status'
        ? status(cluster)
        : Promise.resolve(say('commands: restart, status'))
    )
      .catch((error) => say(`failed: ${error.message}`))
      .finally(() => (busy = false));
  });

  onSignal = async () => {
    if (stopping) {
      say('second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    input.close();
    say('stopping: SIGTERM to the instances, then HAProxy');
    const { exits } = await cluster.stop();
    say(`stopped (instance exit codes ${exits.map((e) => e.code ?? e.signal).join(', ')})`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(exits.every((e) => e.code === 0) ? 0 : 1);
  };
}

async function rollingRestart(cluster, build) {
  for (const { name } of [...cluster.instances]) {
    const { steps, exit } = await cluster.replace(name, build, (step, instance) =>
      say(`${step} ${instance.label} (pid ${instance.pid})`),
    );
    say(
      `${name}: drained in ${steps.drain} ms, exited ${exit.code ?? exit.signal} after ${steps.stop} ms, new build healthy after ${steps.start} ms, up in HAProxy after ${steps.up} ms more`,
    );
  }
  say('rolling restart done');
}

async function status(cluster) {
  const states = await cluster.haproxy.servers('api');
  const stats = await cluster.haproxy.stats();
  for (const instance of cluster.instances) {
    const state = states.get(instance.name);
    const sessions = (backend) =>
      stats.find((r) => r.pxname === backend && r.svname === instance.name)?.scur ?? '?';
    say(
      `${instance.label} pid ${instance.pid}: ${state?.running ? 'up' : 'down'}, ${state?.admin}; requests in flight: ${sessions('api')}, streams: ${sessions('stream')}`,
    );
  }
}

await main();
