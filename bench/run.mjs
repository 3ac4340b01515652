// npm run bench [-- --duration 10 --runs 3 --only post,get50 --store memory|sqlite|postgres --messages 1000]
// Starts our server, the raw node:http reference (and its naive mode) and a bare Nest "hello" floor, one at a time,
// pinned to core 0 with the load generator (autocannon, in this process) on core 1, and runs the same scenarios
// against each. Prints req/s, p50/p99 latency, errors and the ratios the goals are stated in; writes
// bench/results/<date>.json. When Debian's `hey` is on PATH, the POST scenario against our server is also driven by
// hey (on core 1), as a second load generator's opinion.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { ROOT, USERS_FILE, USER_COUNT, auth, basic, ensureUsers, median, pinSelf, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    store: { type: 'string', default: 'memory' },
    messages: { type: 'string', default: '1000' },
  },
});
const DURATION = Number(values.duration);
const RUNS = Number(values.runs);
const ONLY = values.only ? values.only.split(',') : null;
/** Our server's store (`memory`, `sqlite`, `postgres`) and how many messages it retains (the reference keeps 1000). */
const STORE = values.store;
const MESSAGES = Number(values.messages);
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PORT = 3320;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const HEY = (process.env.PATH ?? '').split(':').map((dir) => `${dir}/hey`).find((path) => existsSync(path));

pinSelf(1);

const OURS_ENV = {
  USERS_FILE,
  SEND_RATE_PER_SECOND: '10000',
  SEND_BURST: '10000',
  RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '20000',
};
const TARGETS = {
  ours: { script: `${ROOT}dist/main.js`, env: OURS_ENV },
  reference: { script: `${ROOT}bench/reference/server.mjs`, env: { USERS_FILE } },
  naive: {
    script: `${ROOT}bench/reference/server.mjs`,
    env: { USERS_FILE, REFERENCE_NAIVE: '1' },
  },
  floor: { script: `${ROOT}bench/floor.mjs`, env: {}, readyPath: '/hello' },
};

const json = { 'Content-Type': 'application/json' };
let catchUpFrom = 0;

/** Each scenario: which targets run it and the autocannon options. */
const SCENARIOS = {
  hello: { targets: ['floor'], options: () => ({ url: `${URL_BASE}/hello`, connections: 50 }) },
  post: {
    targets: ['ours', 'reference'],
    options: () => ({
      url: `${URL_BASE}/api/messages`,
      connections: 50,
      method: 'POST',
      headers: { ...json, Authorization: auth(0) },
      body: JSON.stringify({ text: 'hello from the benchmark' }),
    }),
  },
  get50: {
    targets: ['ours', 'reference'],
    options: () => ({ url: `${URL_BASE}/api/messages?limit=50`, connections: 50, headers: { Authorization: auth(1) } }),
  },
  get1000: {
    targets: ['ours', 'reference', 'naive'],
    options: () => ({ url: `${URL_BASE}/api/messages?limit=1000`, connections: 50, headers: { Authorization: auth(1) } }),
  },
  catchUp: {
    targets: ['ours', 'reference'],
    options: () => ({
      url: `${URL_BASE}/api/messages?after=${catchUpFrom}&limit=100`,
      connections: 50,
      headers: { Authorization: auth(2) },
    }),
  },
  mixed: {
    targets: ['ours', 'reference'],
    options: () => ({
      url: URL_BASE,
      connections: 100,
      requests: [
        {
          setupRequest: (req) => {
            const user = Math.floor(Math.random() * USER_COUNT);
            const write = Math.random() < 0.1;
            return {
              ...req,
              path: write ? '/api/messages' : '/api/messages?limit=50',
              method: write ? 'POST' : 'GET',
              headers: { ...json, Authorization: auth(user) },
              body: write ? JSON.stringify({ text: `mixed from user${user}` }) : undefined,
            };
          },
        },
      ],
    }),
  },
};

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function cpuSeconds(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** CPU per request: accepted cached logins, then (after locking the address out) rejected ones. */
async function loginCosts(server) {
  const measure = async (headers) => {
    const before = await cpuSeconds(server.pid);
    const result = await cannon({ url: `${URL_BASE}/api/me`, connections: 50, headers, duration: Math.max(3, DURATION / 2) });
    const cpu = (await cpuSeconds(server.pid)) - before;
    return { requests: result.requests.total, status: result.statusCodeStats, cpuMicrosPerRequest: (cpu * 1e6) / result.requests.total };
  };
  const accepted = await measure({ Authorization: auth(3) });
  for (let i = 0; i < 12; i++) await fetch(`${URL_BASE}/api/me`, { headers: { Authorization: basic('user4', 'wrong') } });
  const rejected = await measure({ Authorization: basic('user4', 'wrong') });
  return { accepted, rejected };
}

/** The POST scenario with hey: 50 workers for DURATION seconds; its summary parsed (latencies are in seconds). */
async function heyPost() {
  const args = ['-z', `${DURATION}s`, '-c', '50', '-cpus', '1', '-m', 'POST', '-T', 'application/json'];
  args.push('-H', `Authorization: ${auth(5)}`, '-d', JSON.stringify({ text: 'hello from the benchmark' }), `${URL_BASE}/api/messages`);
  const [command, ...rest] = existsSync('/usr/bin/taskset') ? ['taskset', '-c', '1', HEY, ...args] : [HEY, ...args];
  const { stdout } = await promisify(execFile)(command, rest, { maxBuffer: 1 << 20 });
  const seconds = (re) => Number(re.exec(stdout)?.[1]) * 1000;
  const status = Object.fromEntries([...stdout.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)].map((m) => [m[1], Number(m[2])]));
  const failures = [...(stdout.split('Error distribution:')[1] ?? '').matchAll(/\[(\d+)\]/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  const non2xx = Object.entries(status).reduce((sum, [code, count]) => (code < 300 ? sum : sum + count), 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50: seconds(/50% in ([\d.]+) secs/),
    p99: seconds(/99% in ([\d.]+) secs/),
    errors: failures + non2xx,
    status,
  };
}

/** A new, empty store of the kind asked for, for each start of our server. */
async function storeEnv() {
  const env = { MAX_MESSAGES: String(MESSAGES), STORE: 'memory' };
  if (STORE === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    env.STORE = `sqlite:${dir}/chat.db`;
  }
  if (STORE === 'postgres') {
    const schema = `chat_bench_${process.pid}_${Date.now()}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    cleanups.push(() => adminQuery(`DROP SCHEMA ${schema} CASCADE`));
    env.STORE = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  return env;
}
const cleanups = [];
async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function warmUp() {
  // Verify every user once (bcrypt), and fill the store with MESSAGES messages (the reference keeps the newest 1000).
  for (let i = 0; i < USER_COUNT; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, k) => fetch(`${URL_BASE}/api/me`, { headers: { Authorization: auth(i + k) } })),
    );
  }
  for (let i = 0; i < MESSAGES; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, k) =>
        fetch(`${URL_BASE}/api/messages`, {
          method: 'POST',
          headers: { ...json, Authorization: auth(0) },
          body: JSON.stringify({ text: `seed message ${i + k} `.repeat(4) }),
        }),
      ),
    );
  }
  const page = await (await fetch(`${URL_BASE}/api/messages?limit=100`, { headers: { Authorization: auth(1) } })).json();
  catchUpFrom = page.messages[0].id;
}

async function runTarget(name) {
  const target = TARGETS[name];
  const env = name === 'ours' ? { ...target.env, ...(await storeEnv()) } : target.env;
  const server = await startServer({ script: target.script, port: PORT, env, readyPath: target.readyPath });
  const results = {};
  try {
    if (name !== 'floor') await warmUp();
    for (const [scenario, spec] of Object.entries(SCENARIOS)) {
      if (!spec.targets.includes(name) || (ONLY && !ONLY.includes(scenario))) continue;
      const r = await cannon(spec.options());
      results[scenario] = {
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
      };
      console.log(`  ${name} ${scenario}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${results[scenario].errors} errors`);
    }
    if (name === 'ours' || name === 'reference') {
      if (!ONLY || ONLY.includes('flood')) {
        results.flood = await loginCosts(server);
        console.log(`  ${name} flood: ${results.flood.accepted.cpuMicrosPerRequest.toFixed(0)} µs CPU per accepted cached login, ${results.flood.rejected.cpuMicrosPerRequest.toFixed(0)} µs per rejected`);
      }
    }
    if (name === 'ours' && HEY && (!ONLY || ONLY.includes('post'))) {
      results.hey = await heyPost();
      const { rps, p50, p99, errors, status } = results.hey;
      console.log(`  ${name} post (hey): ${rps.toFixed(0)} req/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${errors} errors ${JSON.stringify(status)}`);
    }
  } finally {
    await server.stop();
  }
  return results;
}

await ensureUsers();
const runs = [];
for (let run = 1; run <= RUNS; run++) {
  console.log(`run ${run}/${RUNS} (${DURATION} s per scenario)`);
  const results = {};
  for (const name of Object.keys(TARGETS)) {
    const wanted = Object.entries(SCENARIOS).some(([s, spec]) => spec.targets.includes(name) && (!ONLY || ONLY.includes(s)));
    const floodWanted = (name === 'ours' || name === 'reference') && (!ONLY || ONLY.includes('flood'));
    if (wanted || floodWanted) results[name] = await runTarget(name);
  }
  runs.push(results);
}

const med = (target, scenario, field) => {
  const values = runs.map((r) => r[target]?.[scenario]?.[field]).filter((v) => v !== undefined);
  return values.length ? median(values) : undefined;
};
const floorRps = med('floor', 'hello', 'rps');
const rows = [];
for (const [scenario, spec] of Object.entries(SCENARIOS)) {
  for (const target of spec.targets) {
    const rps = med(target, scenario, 'rps');
    if (rps === undefined) continue;
    rows.push({
      scenario,
      target,
      'req/s': Math.round(rps),
      'p50 ms': med(target, scenario, 'p50'),
      'p99 ms': med(target, scenario, 'p99'),
      errors: med(target, scenario, 'errors'),
      '/ floor': floorRps ? (rps / floorRps).toFixed(2) : '',
      '/ reference': target === 'reference' || !med('reference', scenario, 'rps') ? '' : (rps / med('reference', scenario, 'rps')).toFixed(2),
      '/ naive': scenario === 'get1000' && target === 'ours' ? (rps / med('naive', 'get1000', 'rps')).toFixed(2) : '',
    });
  }
  const heyRps = scenario === 'post' ? med('ours', 'hey', 'rps') : undefined;
  if (heyRps !== undefined) {
    rows.push({
      scenario: 'post (hey)',
      target: 'ours',
      'req/s': Math.round(heyRps),
      'p50 ms': Number(med('ours', 'hey', 'p50').toFixed(1)),
      'p99 ms': Number(med('ours', 'hey', 'p99').toFixed(1)),
      errors: med('ours', 'hey', 'errors'),
      '/ floor': floorRps ? (heyRps / floorRps).toFixed(2) : '',
      '/ reference': med('reference', 'post', 'rps') ? (heyRps / med('reference', 'post', 'rps')).toFixed(2) : '',
      '/ naive': '',
    });
  }
}
console.log(`\nmedians of ${RUNS} runs, ${DURATION} s each; our server on the ${STORE} store with ${MESSAGES} messages`);
console.table(rows);
const flood = ['ours', 'reference'].filter((t) => runs[0][t]?.flood).map((target) => ({
  target,
  'µs CPU / accepted cached login': median(runs.map((r) => r[target].flood?.accepted.cpuMicrosPerRequest ?? NaN)).toFixed(0),
  'µs CPU / rejected login': median(runs.map((r) => r[target].flood?.rejected.cpuMicrosPerRequest ?? NaN)).toFixed(0),
}));
console.table(flood);

await mkdir(`${ROOT}bench/results`, { recursive: true });
const file = `${ROOT}bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
await writeFile(file, JSON.stringify({ node: process.version, store: STORE, messages: MESSAGES, duration: DURATION, runs: RUNS, rows, flood, raw: runs }, null, 2));
for (const cleanup of cleanups) await cleanup();
console.log(`wrote ${file}`);
