// npm run bench:limits [-- --duration 5 --only connections,sizes,stored,defaults]
// Ramps one thing at a time against our built server (pinned to core 0; autocannon in this process on core 1) and
// records, per step, req/s, p50/p99 latency of the 2xx answers, non-2xx answers by status (with their latency and the
// Retry-After header of each), socket errors and timeouts by kind, how many connections got any answer, SYNs dropped
// on a full listen queue, /api/health on new connections mid-step, the server's RSS (peak during the step and at its
// end), and whether the process is still alive and /api/health answers afterwards:
// - connections 10 … 10 000 on GET limit=50 (1000 messages stored) and on POST;
// - message size 10 … 4000 characters on POST, then GET limit=50 of messages of that size;
// - stored messages 10, 100, 1000 with GET limit=50 and limit=1000;
// - one step each of GET and POST at 1000 connections with the default limits, to show what is shed and how.
// The ramps raise only the per-client limits (request and send rates, connections per address), which one load
// generator on one address and a few users would otherwise hit at once; MAX_CONNECTIONS and the overload monitor
// keep their defaults. Writes bench/results/limits-<date>.json; bench/plot.mjs draws it.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  ROOT,
  USERS_FILE,
  USER_COUNT,
  auth,
  ensureUsers,
  percentile,
  pinSelf,
  sleep,
  startServer,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    only: { type: 'string', default: '' },
    connections: { type: 'string', default: '10,100,1000,2000,5000,10000' },
  },
});
const DURATION = Number(values.duration);
const ONLY = values.only ? values.only.split(',') : null;
const CONNECTIONS = values.connections.split(',').map(Number);
const SIZES = [10, 100, 1000, 4000];
const STORED = [10, 100, 1000];
const PORT = 3400;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const json = { 'Content-Type': 'application/json' };
const SEED_TEXT = (i) => `seed message ${i} `.repeat(4);
const RAMP_TEXT = 'hello from the limits ramp';
/** Per-client limits raised so that one generator on one address measures capacity rather than the limiter. */
const RAISED = {
  USERS_FILE,
  SEND_RATE_PER_SECOND: '10000',
  SEND_BURST: '10000',
  RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '20000',
};
const DEFAULTS = { USERS_FILE };
/** The checkout's commit when the ramp ran ("-dirty": with uncommitted changes); `npm run bench:limits` builds it first. */
const COMMIT = execFileSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], {
  encoding: 'utf8',
}).trim();

/** When dist/ was last written: a rebuild during the ramp would mix two servers in one result. */
async function distBuiltAt() {
  const files = (await readdir(`${ROOT}dist`, { recursive: true })).filter((f) => f.endsWith('.js'));
  const times = await Promise.all(files.map(async (f) => (await stat(`${ROOT}dist/${f}`)).mtimeMs));
  return new Date(Math.max(...times)).toISOString();
}
const BUILT_AT = await distBuiltAt();

pinSelf(1);

/** A text of `size` characters. */
const textOf = (size) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(size / 27)).slice(0, size);

async function seed(count, text = SEED_TEXT, user = 0) {
  for (let i = 0; i < count; i += 50) {
    const batch = Math.min(50, count - i);
    await Promise.all(
      Array.from({ length: batch }, (_, k) =>
        fetch(`${URL_BASE}/api/messages`, {
          method: 'POST',
          headers: { ...json, Authorization: auth(user) },
          body: JSON.stringify({ text: text(i + k) }),
        }).then((r) => r.arrayBuffer()),
      ),
    );
  }
}

async function serverState(server) {
  let alive = false;
  try {
    const stat = await readFile(`/proc/${server.pid}/stat`, 'utf8');
    alive = stat.split(') ')[1][0] !== 'Z';
  } catch {
    alive = false;
  }
  const started = performance.now();
  const health = await fetch(`${URL_BASE}/api/health`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    (error) => error.name,
  );
  return { alive, health, healthMs: Math.round(performance.now() - started) };
}

/**
 * GET /api/health on a new connection of its own, as a newcomer would see the server in the middle of a step:
 * the status and time, or how the connection failed (one past MAX_CONNECTIONS_PER_ADDRESS is closed unanswered).
 */
function probe() {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(`${URL_BASE}/api/health`, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Math.round(performance.now() - started) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      resolve({ status: error.code ?? error.message, ms: Math.round(performance.now() - started) }),
    );
    req.end();
  });
}

/** Connections the kernel refused because the server's accept queue was full (machine-wide counter). */
async function listenOverflows() {
  const [names, counts] = (await readFile('/proc/net/netstat', 'utf8'))
    .split('\n')
    .filter((l) => l.startsWith('TcpExt:'));
  return Number(counts.split(' ')[names.split(' ').indexOf('ListenOverflows')]);
}

let nextUser = 0;

/**
 * One step: `connections` connections sending `request` for DURATION seconds, each step as a user of its own so that
 * per-user counts do not carry over (the user's credentials are verified once beforehand, outside the measurement).
 */
async function step(server, label, connections, request) {
  const user = nextUser++ % USER_COUNT;
  await fetch(`${URL_BASE}/api/me`, { headers: { Authorization: auth(user) } }).then(
    (r) => r.arrayBuffer(),
    () => {},
  );
  const retryAfter = {};
  const errorLatencies = [];
  const socketErrors = {};
  const answered = new Set();
  const probing = sleep((DURATION * 1000) / 2).then(() => Promise.all(Array.from({ length: 5 }, probe)));
  const overflowsBefore = await listenOverflows();
  let rssPeak = 0;
  const sampler = setInterval(() => {
    server.rssBytes().then(
      (rss) => (rssPeak = Math.max(rssPeak, rss)),
      () => {},
    );
  }, 250);
  const result = await new Promise((resolve, reject) => {
    const tracker = autocannon(
      {
        url: URL_BASE,
        connections,
        duration: DURATION,
        requests: [
          {
            ...request,
            headers: { ...request.headers, Authorization: auth(user) },
            onResponse: (status, _body, _context, headers) => {
              if (status < 300) return;
              // Every refusal is checked: the first ones may come from another limit than the later ones.
              const seen = (retryAfter[status] ??= { checked: 0, withRetryAfter: 0, values: {} });
              seen.checked++;
              const value = headers['Retry-After'] ?? headers['retry-after'];
              if (value !== undefined) {
                seen.withRetryAfter++;
                seen.values[value] = (seen.values[value] ?? 0) + 1;
              }
            },
          },
        ],
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    tracker.on('response', (client, status, _bytes, responseTime) => {
      answered.add(client);
      if (status >= 300) errorLatencies.push(responseTime);
    });
    tracker.on('reqError', (error) => {
      const kind = error.code ?? error.message;
      socketErrors[kind] = (socketErrors[kind] ?? 0) + 1;
    });
  });
  clearInterval(sampler);
  const midStepHealth = await probing;
  const overflows = (await listenOverflows()) - overflowsBefore;
  const rssEnd = await server.rssBytes().catch(() => NaN);
  await sleep(1000); // let the closed connections drain before asking for health
  const state = await serverState(server);
  const status = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
  );
  const ok = Object.entries(status).reduce((sum, [code, count]) => (code < 300 ? sum + count : sum), 0);
  const sortedErrorLatencies = errorLatencies.sort((a, b) => a - b);
  const out = {
    ...label,
    connections,
    // autocannon silently reconnects a connection the server closes unanswered; those show as connections without a
    // single answer and as requests sent but never answered.
    answeredConnections: answered.size,
    sent: result.requests.sent,
    answered: result.requests.total,
    rps: result.requests.average,
    okRps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    status,
    non2xx: result.non2xx,
    non2xxP50: percentile(sortedErrorLatencies, 50),
    non2xxP99: percentile(sortedErrorLatencies, 99),
    retryAfter,
    errors: result.errors,
    timeouts: result.timeouts,
    socketErrors,
    rssPeakMB: Math.max(rssPeak, rssEnd) / 2 ** 20,
    rssEndMB: rssEnd / 2 ** 20,
    midStepHealth,
    listenOverflows: overflows,
    ...state,
  };
  const statusText = Object.entries(status)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  const errorText = Object.entries(socketErrors)
    .map(([kind, count]) => `${kind}×${count}`)
    .join(' ');
  console.log(
    `  ${label.series} c=${connections}${label.size ? ` size=${label.size}` : ''}${label.stored ? ` stored=${label.stored}` : ''}: ` +
      `${(out.answered / result.duration).toFixed(0)} answers/s (${out.okRps.toFixed(0)} 2xx/s), p50 ${out.p50} ms, p99 ${out.p99} ms, [${statusText}]` +
      `${errorText ? ` errors [${errorText}]` : ''}${out.non2xx ? ` non-2xx p99 ${out.non2xxP99.toFixed(0)} ms` : ''}, ` +
      `${out.answeredConnections}/${connections} connections answered, ${overflows} SYNs dropped (accept queue full), ` +
      `mid-step health on new connections ${midStepHealth.map((h) => `${h.status} in ${h.ms} ms`).join(', ')}, ` +
      `RSS ${out.rssEndMB.toFixed(0)} MB (peak ${out.rssPeakMB.toFixed(0)}), health ${state.health} in ${state.healthMs} ms` +
      `${state.alive ? '' : ', PROCESS GONE'}`,
  );
  return out;
}

const get = (limit) => ({ method: 'GET', path: `/api/messages?limit=${limit}` });
const post = (text) => ({
  method: 'POST',
  path: '/api/messages',
  headers: json,
  body: JSON.stringify({ text }),
});

const steps = [];
const failures = [];

/**
 * Runs `body` against a fresh server with `env`. A server that died is not waited for, and what failed is recorded,
 * so that the other sections still run and the results are still written.
 */
async function withServer(env, body) {
  const server = await startServer({ port: PORT, env });
  try {
    await body(server);
  } catch (error) {
    console.error(`  section stopped: ${error.cause?.code ?? error.message}`);
    failures.push({ afterStep: steps.at(-1), error: String(error.cause ?? error) });
  } finally {
    await Promise.race([server.stop(), sleep(5000)]);
  }
}

const wanted = (section) => !ONLY || ONLY.includes(section);

await ensureUsers();
console.log(`limits ramp, ${DURATION} s per step; checkout ${COMMIT}, dist/ built ${BUILT_AT}`);

if (wanted('connections')) {
  for (const [series, request] of [
    ['get50', get(50)],
    ['post', post(RAMP_TEXT)],
  ]) {
    console.log(`connections ramp, ${series}`);
    await withServer(RAISED, async (server) => {
      await seed(1000);
      for (const connections of CONNECTIONS) {
        const result = await step(server, { section: 'connections', series }, connections, request);
        steps.push(result);
        if (!result.alive) break;
      }
    });
  }
}

if (wanted('sizes')) {
  console.log('message size ramp, 50 connections');
  await withServer(RAISED, async (server) => {
    for (const size of SIZES) {
      steps.push(await step(server, { section: 'sizes', series: 'post', size }, 50, post(textOf(size))));
      await seed(1000, () => textOf(size)); // every stored message of this size, whatever the POST step managed
      steps.push(await step(server, { section: 'sizes', series: 'get50', size }, 50, get(50)));
    }
  });
}

if (wanted('stored')) {
  console.log('stored messages, 50 connections');
  for (const stored of STORED) {
    await withServer(RAISED, async (server) => {
      await seed(stored);
      steps.push(await step(server, { section: 'stored', series: 'get50', stored }, 50, get(50)));
      steps.push(await step(server, { section: 'stored', series: 'get1000', stored }, 50, get(1000)));
    });
  }
}

if (wanted('defaults')) {
  console.log('default limits, 1000 connections');
  for (const [series, request] of [
    ['get50', get(50)],
    ['post', post(RAMP_TEXT)],
  ]) {
    await withServer(DEFAULTS, async (server) => {
      // 50 messages from 5 users stay within the default send rate (burst 20 per user).
      for (let u = 0; u < 5; u++) await seed(10, SEED_TEXT, USER_COUNT - 1 - u);
      steps.push(await step(server, { section: 'defaults', series }, 1000, request));
    });
  }
}

const rebuilt = (await distBuiltAt()) !== BUILT_AT;
if (rebuilt)
  console.warn('dist/ was rebuilt during the ramp: later steps ran another build; rerun for clean figures');

/** Per connections series: the first step whose p99 passes 100 ms, and the first with any error or non-2xx. */
const summary = {};
for (const series of ['get50', 'post']) {
  const ramp = steps.filter((s) => s.section === 'connections' && s.series === series);
  if (ramp.length === 0) continue;
  summary[series] = {
    p99Over100msAt: ramp.find((s) => s.p99 > 100)?.connections ?? null,
    errorsFrom: ramp.find((s) => s.errors + s.timeouts + s.non2xx > 0)?.connections ?? null,
    unansweredConnectionsFrom: ramp.find((s) => s.answeredConnections < s.connections)?.connections ?? null,
    allAlive: ramp.every((s) => s.alive && s.health === 200),
  };
}
summary.everyStepAlive = failures.length === 0 && steps.every((s) => s.alive && s.health === 200);
console.log('\nsummary', summary);
console.table(
  steps.map((s) => ({
    section: s.section,
    series: s.series,
    connections: s.connections,
    size: s.size ?? '',
    stored: s.stored ?? '',
    '2xx/s': Math.round(s.okRps),
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    status: Object.entries(s.status)
      .map(([code, count]) => `${code}×${count}`)
      .join(' '),
    'errors (timeouts)': `${s.errors} (${s.timeouts})`,
    'connections answered': s.answeredConnections,
    'RSS MB': Math.round(s.rssEndMB),
    health: s.health,
  })),
);

await mkdir(`${ROOT}bench/results`, { recursive: true });
const file = `${ROOT}bench/results/limits-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
await writeFile(
  file,
  JSON.stringify(
    {
      node: process.version,
      checkout: COMMIT,
      builtAt: BUILT_AT,
      rebuilt,
      failures,
      date: new Date().toISOString(),
      duration: DURATION,
      raised: RAISED,
      summary,
      steps,
    },
    null,
    2,
  ),
);
console.log(`wrote ${file}`);
