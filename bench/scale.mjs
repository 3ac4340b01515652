// Throughput and p99 of one and two instances on one PostgreSQL store (docs/SCALING.md): a single instance reached
// directly (the reference of the run), the same behind HAProxy, two instances behind HAProxy, and two workers of
// Node's cluster module; scenarios GET limit=50, POST and a 90/10 mix, autocannon from this process.
// Usage: node bench/scale.mjs [--duration 5] [--runs 3] [--connections 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Cluster, dropPostgresSchema, postgresSchema } from '../scripts/lib/cluster.mjs';
import { ROOT, USERS_FILE, USER_COUNT, auth, ensureUsers, median, startServer } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    setups: { type: 'string', default: 'direct,proxy-1,proxy-2,node-cluster-2' },
  },
});
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROXY_PORT = 23500;
const FIRST_PORT = 23510;

const json = { 'Content-Type': 'application/json' };
const SCENARIOS = {
  get50: () => ({ path: '/api/messages?limit=50', method: 'GET', write: false }),
  post: () => ({ path: '/api/messages', method: 'POST', write: true }),
  mixed: () => (Math.random() < 0.1 ? SCENARIOS.post() : SCENARIOS.get50()),
};

function cannon(url, scenario) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        duration: Number(opts.duration),
        connections: Number(opts.connections),
        requests: [
          {
            setupRequest: (req) => {
              const user = Math.floor(Math.random() * USER_COUNT);
              const { path, method, write } = SCENARIOS[scenario]();
              return {
                ...req,
                path,
                method,
                headers: { ...json, Authorization: auth(user) },
                body: write ? JSON.stringify({ text: `scale from user${user}` }) : undefined,
              };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Starts `setup` on a fresh schema; resolves with its URL and a stop function. */
async function start(setup, env) {
  if (setup === 'direct') {
    const server = await startServer({ port: FIRST_PORT, env, core: 0 });
    return { url: `http://127.0.0.1:${FIRST_PORT}`, stop: () => server.stop() };
  }
  if (setup === 'node-cluster-2') {
    const server = await startServer({ script: `${ROOT}bench/node-cluster.mjs`, port: FIRST_PORT, env: { ...env, WORKERS: '2' }, core: '0,1' });
    return { url: `http://127.0.0.1:${FIRST_PORT}`, stop: () => server.stop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'chat-scale-'));
  const cluster = await Cluster.start({
    count: Number(setup.split('-')[1]),
    bind: `127.0.0.1:${PROXY_PORT}`,
    firstPort: FIRST_PORT,
    env: { ...process.env, USERS_FILE, LOG_LEVEL: 'warn', ...env },
    dir,
  });
  return {
    url: `http://127.0.0.1:${PROXY_PORT}`,
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

await ensureUsers();
const results = [];
for (const setup of opts.setups.split(',')) {
  for (const scenario of Object.keys(SCENARIOS)) {
    const runs = [];
    for (let run = 0; run < Number(opts.runs); run++) {
      const schema = `chat_bench_scale_${process.pid}_${run}`;
      await postgresSchema(PG_URL, schema);
      const env = {
        STORE: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        USERS_FILE,
        SEND_RATE_PER_SECOND: '10000',
        SEND_BURST: '10000',
        RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
        OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
        MAX_CONNECTIONS_PER_ADDRESS: '10000',
        TRUST_PROXY: 'loopback',
      };
      const target = await start(setup, env);
      try {
        // Every user's credentials verified by each instance (bcrypt, then cached: two requests in a row go to two
        // instances round-robin), and some messages to read.
        for (let i = 0; i < USER_COUNT * 2; i++) {
          await fetch(`${target.url}/api/me`, { headers: { Authorization: auth(i >> 1) } });
        }
        for (let i = 0; i < 50; i++) {
          await fetch(`${target.url}/api/messages`, {
            method: 'POST',
            headers: { ...json, Authorization: auth(i % USER_COUNT) },
            body: JSON.stringify({ text: `seed ${i}` }),
          });
        }
        const result = await cannon(target.url, scenario);
        const statuses = Object.entries(result.statusCodeStats ?? {})
          .filter(([code]) => !code.startsWith('2'))
          .map(([code, { count }]) => `${code}×${count}`);
        runs.push({
          rps: result.requests.average,
          p99: result.latency.p99,
          errors: [result.errors > 0 ? `errors×${result.errors}` : '', ...statuses].filter(Boolean).join(' ') || '0',
        });
      } finally {
        await target.stop();
        await dropPostgresSchema(PG_URL, schema);
      }
    }
    results.push({
      setup,
      scenario,
      'req/s': median(runs.map((r) => r.rps)).toFixed(0),
      'p99 ms': median(runs.map((r) => r.p99)).toFixed(0),
      'errors+non-2xx': runs.map((r) => r.errors).join('/'),
    });
  }
}
const direct = Object.fromEntries(results.filter((r) => r.setup === 'direct').map((r) => [r.scenario, Number(r['req/s'])]));
for (const row of results) row['× direct'] = (Number(row['req/s']) / direct[row.scenario]).toFixed(2);
console.log(`node bench/scale.mjs --duration ${opts.duration} --runs ${opts.runs} --connections ${opts.connections}`);
console.table(results);
