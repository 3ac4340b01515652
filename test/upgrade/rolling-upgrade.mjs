// npm run test:upgrade: a rolling upgrade under load loses nothing. Two instances of the built server behind HAProxy
// on one PostgreSQL store; a load generator (POSTs with a clientMsgId and GETs) and 50 stream clients that reconnect
// like a browser's EventSource; the instances are replaced one at a time (drain in HAProxy, wait for the requests in
// flight, SIGTERM, start the new build, wait until HAProxy sees it up, ready). Then it checks that no request failed,
// that every accepted message was stored, and that every stream client got every message once and in order.
//
// Options: --no-build (run dist as it is, without building it first when the sources changed); --dist DIR and
// --new-dist DIR (the builds to upgrade from and to, each a directory holding main.js; default dist/ for both, with
// BUILD_ID telling them apart); --no-drain (SIGTERM without draining first: then only HAProxy's retries keep requests
// from failing); --keep (keep the logs and the schema; the logs are kept anyway when a check fails).
// Exit code 0 when every check passes.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Cluster,
  dropPostgresSchema,
  ensureBuilt,
  portFree,
  postgresSchema,
  reachable,
  ROOT,
  sleep,
} from '../../scripts/lib/cluster.mjs';
import { EventSourceClient } from './event-source.mjs';
import { LoadGenerator } from './load.mjs';

const INSTANCES = 2;
const STREAM_CLIENTS = 50;
const POST_LOOPS = 4;
const GET_LOOPS = 4;
/** Each loop sends one request per interval: 8 loops × 10/s ≈ 80 requests a second. */
const INTERVAL_MS = 100;
/** Load before the first replacement, between two, and after the last one. */
const STEADY_MS = 5000;
/** How long stream clients may take, after the load stops, to receive the newest message. */
const CATCH_UP_MS = 10_000;

const DATABASE = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const USERS_FILE = `${ROOT}test/fixtures/users.json`;
const PASSWORDS = {
  alice: 'alice-password',
  bob: 'bob-password',
  carol: 'carol-password',
  dave: 'pa:ss:word',
  zoe: 'pässwörd-密码-🔑',
};
const auth = (user) => `Basic ${Buffer.from(`${user}:${PASSWORDS[user]}`, 'utf8').toString('base64')}`;
const USERS = Object.keys(PASSWORDS);

const { values: args } = parseArgs({
  options: {
    'no-build': { type: 'boolean' },
    'no-drain': { type: 'boolean' },
    keep: { type: 'boolean' },
    dist: { type: 'string' },
    'new-dist': { type: 'string' },
  },
});
const started = Date.now();
const elapsed = (at = Date.now()) => `${((at - started) / 1000).toFixed(1).padStart(5)} s`;
const say = (message) => console.log(`[${elapsed()}] ${message}`);

/** A base port in 20000–32000 (below the ephemeral range) with the proxy's and every instance's port free. */
async function freePorts(count) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (12000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((p) => portFree(p)))).every(Boolean)) return base;
  }
  throw new Error('no free ports');
}

/** Every message after `afterId`, oldest first, read page by page through the proxy. */
async function readAll(baseUrl, afterId) {
  const messages = [];
  for (let after = afterId; ;) {
    const res = await fetch(`${baseUrl}/api/messages?after=${after}&limit=1000`, {
      headers: { Authorization: auth('alice') },
    });
    if (res.status !== 200)
      throw new Error(`GET /api/messages?after=${after}: ${res.status} ${await res.text()}`);
    const page = await res.json();
    messages.push(...page.messages);
    if (!page.hasNewer || page.messages.length === 0) return messages;
    after = page.messages.at(-1).id;
  }
}

const STEP_LABELS = {
  drain: 'drain, wait for requests in flight:',
  stop: 'SIGTERM',
  start: 'start, wait until up in HAProxy:',
};

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const list = (items, max = 8) =>
  items.slice(0, max).join(', ') + (items.length > max ? `, … (${items.length} in all)` : '');

async function run(cleanup) {
  if (!args['no-build'] && !args.dist) ensureBuilt({ log: say });
  const dist = args.dist && resolve(args.dist);
  const newDist = args['new-dist'] ? resolve(args['new-dist']) : dist;
  const port = await freePorts(INSTANCES + 1);
  const runId = `u${process.pid}${Date.now() % 100_000}`;
  const schema = `chat_upgrade_${process.pid}_${Date.now() % 100_000}`;
  const store = await postgresSchema(DATABASE, schema);
  cleanup.schema = schema;
  const redis = (await reachable(REDIS)) ? REDIS : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'chat-upgrade-'));
  cleanup.dir = dir;

  const env = {
    PATH: process.env.PATH,
    STORE: store,
    ...(redis && { REDIS_URL: redis, REDIS_PREFIX: `chat-upgrade-${runId}` }),
    USERS_FILE,
    // Every connection comes from HAProxy: believe its X-Forwarded-For, and let one address hold every stream.
    TRUST_PROXY: 'loopback',
    MAX_CONNECTIONS_PER_ADDRESS: '10000',
    // This is about upgrades, not limits: keep every message, and let five users send this much.
    MAX_MESSAGES: '100000',
    MAX_STREAMS_PER_USER: '100',
    SEND_RATE_PER_SECOND: '1000',
    SEND_BURST: '1000',
    RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
  };

  const retried = [];
  // The phases of the run; the load generator tags each request with the phase it started in.
  const phases = [];
  let load;
  const enter = (label) => {
    const now = Date.now();
    if (phases.length) phases.at(-1).ms = now - phases.at(-1).at;
    phases.push({ label, at: now });
    if (load) load.phase = label;
  };
  enter(`start ${INSTANCES} instances and HAProxy`);

  say(
    `${INSTANCES} instances on 127.0.0.1:${port + 1}.., HAProxy on :${port}, PostgreSQL schema ${schema}${redis ? ', Redis' : ''}; logs in ${dir}`,
  );
  const cluster = await Cluster.start({
    count: INSTANCES,
    bind: `127.0.0.1:${port}`,
    firstPort: port + 1,
    env,
    dir,
    dist,
    onHaproxyLine: (line) => {
      // The template's log-format: client backend/server status retries termination total-ms "request".
      const m = /^\S+ (\S+) (-?\d+) (\+?\d+) (\S+) (-?\d+) "(.*)"$/.exec(line);
      if (m && m[3] !== '0')
        retried.push({
          at: Date.now(),
          server: m[1],
          status: m[2],
          retries: m[3],
          state: m[4],
          request: m[6],
        });
    },
  });
  cleanup.cluster = cluster;
  const baseUrl = `http://127.0.0.1:${port}`;

  enter(`open ${STREAM_CLIENTS} streams`);
  const seed = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { Authorization: auth('alice'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: 'before the upgrade', clientMsgId: `${runId}-seed` }),
  });
  if (seed.status !== 201) throw new Error(`seed message: ${seed.status} ${await seed.text()}`);
  const seedId = (await seed.json()).id;
  // Each client starts right after the seed message, as a page that has shown it: it must get everything after it.
  const clients = Array.from(
    { length: STREAM_CLIENTS },
    (_, i) =>
      new EventSourceClient({
        url: `${baseUrl}/api/stream`,
        authorization: auth(USERS[i % USERS.length]),
        lastEventId: String(seedId),
        name: `stream ${i + 1}`,
      }),
  );
  cleanup.clients = clients;
  for (const client of clients) client.connect();
  await Promise.all(clients.map((c) => c.until(() => c.open, 10_000, 'its stream to open')));

  load = new LoadGenerator({
    baseUrl,
    posters: USERS.slice(0, POST_LOOPS).map(auth),
    readers: Array.from({ length: GET_LOOPS }, (_, i) => auth(USERS[(i + POST_LOOPS) % USERS.length])),
    intervalMs: INTERVAL_MS,
    runId,
  });
  cleanup.load = load;
  enter('steady load');
  load.start();
  say(
    `load: ${POST_LOOPS} POST and ${GET_LOOPS} GET loops at ${1000 / INTERVAL_MS}/s each; ${STREAM_CLIENTS} streams open`,
  );
  await sleep(STEADY_MS);

  const replacements = [];
  for (const { name } of [...cluster.instances]) {
    const result = await cluster.replace(
      name,
      2,
      (step, instance) => {
        say(`${step} ${instance.label} (pid ${instance.pid})`);
        enter(
          step === 'serving'
            ? `steady load, ${instance.label} serving`
            : `${STEP_LABELS[step]} ${instance.label}`,
        );
      },
      { drain: !args['no-drain'], dist: newDist },
    );
    replacements.push(result);
    say(
      `${result.old.label} exited ${result.exit.code ?? result.exit.signal} ${result.exit.ms} ms after SIGTERM`,
    );
    await sleep(STEADY_MS);
  }

  enter('stop the load');
  await load.stop();
  enter('read back, streams catch up');
  const stored = await readAll(baseUrl, seedId);
  const newestId = stored.at(-1)?.id ?? seedId;
  const caughtUp = await Promise.allSettled(
    clients.map((c) =>
      c.until(() => (c.ids.at(-1) ?? seedId) >= newestId, CATCH_UP_MS, `message ${newestId}`),
    ),
  );
  for (const client of clients) client.close();

  enter('stop the instances and HAProxy');
  const final = await cluster.stop();
  cleanup.cluster = undefined;
  enter('end');
  phases.pop();

  return {
    cluster,
    load,
    clients,
    stored,
    seedId,
    newestId,
    caughtUp,
    replacements,
    final,
    retried,
    phases,
    redis,
    schema,
    dir,
    port,
  };
}

function report(result) {
  const { cluster, load, clients, stored, seedId, caughtUp, replacements, final, retried, phases } = result;
  const checks = [];
  const check = (name, failures) => checks.push({ name, failures });

  // 1. Every request the load generator sent was answered with success.
  const failed = load.records.filter((r) => !r.ok);
  check(
    'no failed request at the load generator',
    failed
      .slice(0, 10)
      .map((r) =>
        `${r.kind} ${r.path} at ${elapsed(r.startedAt)} (${r.phase}) via ${r.servedBy ?? '-'}: ${r.status ?? ''} ${r.error ?? ''}`.trim(),
      ),
  );
  if (failed.length > 10) checks.at(-1).failures.push(`… ${failed.length} failed requests in all`);

  // 2. Every accepted message is stored, once.
  const storedIds = new Set(stored.map((m) => m.id));
  const posts = load.records.filter((r) => r.kind === 'POST');
  const accepted = posts.filter((r) => r.ok);
  const lost = accepted.filter((r) => !storedIds.has(r.id));
  const storedById = new Map(stored.map((m) => [m.id, m]));
  const mixedUp = accepted.filter(
    (r) => storedIds.has(r.id) && storedById.get(r.id).clientMsgId !== r.clientMsgId,
  );
  const byClientMsgId = new Map();
  for (const m of stored)
    if (m.clientMsgId) byClientMsgId.set(m.clientMsgId, (byClientMsgId.get(m.clientMsgId) ?? 0) + 1);
  const twice = [...byClientMsgId].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  check('every accepted message stored, once', [
    ...lost
      .slice(0, 10)
      .map(
        (r) =>
          `lost: id ${r.id} (${r.clientMsgId}) answered ${r.status} at ${elapsed(r.startedAt)} via ${r.servedBy}`,
      ),
    ...twice.slice(0, 10).map((d) => `stored more than once: ${d}`),
    ...mixedUp
      .slice(0, 10)
      .map((r) => `id ${r.id} answered for ${r.clientMsgId} holds ${storedById.get(r.id).clientMsgId}`),
  ]);

  // 3. Every stream client got every stored message once, in ascending order.
  const streamProblems = [];
  const expected = stored.map((m) => m.id);
  const postOf = new Map(accepted.map((r) => [r.id, r]));
  for (const [i, client] of clients.entries()) {
    const problems = [];
    const seen = new Set();
    for (let k = 1; k < client.ids.length; k++) {
      if (client.ids[k] <= client.ids[k - 1]) problems.push(`${client.ids[k]} after ${client.ids[k - 1]}`);
    }
    for (const id of client.ids) seen.add(id);
    const missing = expected.filter((id) => !seen.has(id));
    const extra = [...seen].filter((id) => id <= seedId || !storedIds.has(id));
    if (problems.length)
      problems.splice(0, problems.length, `out of order or repeated: ${list(problems, 4)}`);
    if (missing.length) {
      const where = missing.slice(0, 4).map((id) => {
        const post = postOf.get(id);
        const connection = post && client.connections.findLast((c) => c.startedAt <= post.startedAt);
        return `${id} (stored via ${post?.servedBy ?? '?'} at ${post ? elapsed(post.startedAt) : '?'}; stream then on ${connection?.servedBy ?? '-'})`;
      });
      problems.push(`missing ${missing.length} of ${expected.length}: ${list(where, 4)}`);
    }
    if (extra.length) problems.push(`not in the store: ${list(extra, 4)}`);
    if (client.resets) problems.push(`${client.resets} reset events`);
    for (const f of client.failures.slice(0, 3))
      problems.push(
        `at ${elapsed(f.at)} via ${f.servedBy ?? '-'}: ${f.status ?? ''} ${f.error ?? ''} ${f.body ?? ''}`.trim(),
      );
    if (caughtUp[i].status === 'rejected' && !missing.length) problems.push(caughtUp[i].reason.message);
    if (problems.length)
      streamProblems.push(
        `${client.name} (${USERS[i % USERS.length]}, ${client.connections.map((c) => c.servedBy ?? c.status ?? '-').join('→')}): ${problems.join('; ')}`,
      );
  }
  check(`every stream client got every message once, in order`, streamProblems.slice(0, 10));
  if (streamProblems.length > 10)
    checks.at(-1).failures.push(`… ${streamProblems.length} stream clients in all`);

  // 4. Instances stop cleanly and log no error.
  const exits = [
    ...replacements.map((r) => [r.old, r.exit]),
    ...cluster.instances.map((instance, i) => [instance, final.exits[i]]),
  ];
  check('every instance exited 0 at SIGTERM and logged no error', [
    ...exits
      .filter(([, e]) => e.code !== 0)
      .map(([instance, e]) => `${instance.label} (pid ${instance.pid}) exited ${e.code ?? e.signal}`),
    ...cluster.history.flatMap((instance) =>
      instance.errors.slice(0, 3).map((line) => `${instance.label}: ${line.slice(0, 300)}`),
    ),
    ...replacements
      .filter((r) => !r.idle)
      .map((r) => `${r.old.label}: requests still in flight 10 s after the drain`),
  ]);

  // The summary.
  const out = [];
  const gets = load.records.filter((r) => r.kind === 'GET');
  const times = load.records
    .filter((r) => r.ms !== undefined)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const loadMs =
    Math.max(...load.records.map((r) => r.startedAt)) - Math.min(...load.records.map((r) => r.startedAt));
  out.push(
    '',
    `Rolling upgrade of ${INSTANCES} instances behind HAProxy ${cluster.haproxy.version}, PostgreSQL${result.redis ? ' and Redis' : ''}:`,
  );
  out.push(
    `  requests  ${load.records.length} in ${(loadMs / 1000).toFixed(1)} s (${Math.round(load.records.length / (loadMs / 1000))}/s): ` +
      `${posts.length} POST (${posts.filter((r) => r.status === 201).length} × 201, ${posts.filter((r) => r.status === 200).length} × 200 for a retried clientMsgId), ` +
      `${gets.length} GET; ${failed.length} failed; latency p50 ${percentile(times, 50)} ms, p99 ${percentile(times, 99)} ms, max ${times.at(-1)} ms`,
  );
  out.push(
    `  HAProxy   ${retried.length} requests retried${
      retried.length
        ? `: ${list(
            retried.map(
              (r) => `${r.request.split(' ').slice(0, 2).join(' ')} → ${r.server} ${r.status} (${r.retries})`,
            ),
            5,
          )}`
        : ''
    }`,
  );
  const connections = clients.flatMap((c) => c.connections);
  const gaps = clients
    .flatMap((c) => c.connections.slice(1).map((next, k) => next.openedAt - c.connections[k].endedAt))
    .filter(Number.isFinite);
  out.push(
    `  streams   ${clients.length} clients, ${connections.length} connections, ${clients.reduce((n, c) => n + c.reconnects, 0)} reconnects ` +
      `(longest wait for a stream ${gaps.length ? Math.max(...gaps) : 0} ms), ${clients.reduce((n, c) => n + c.failures.length, 0)} failed; ` +
      `${stored.length} messages stored after the seed, ${clients.filter((c) => c.ids.length === stored.length).length} clients got them all`,
  );
  const perPhase = new Map();
  for (const r of load.records) {
    const counts = perPhase.get(r.phase) ?? perPhase.set(r.phase, new Map()).get(r.phase);
    const key = r.ok ? (r.servedBy ?? '?') : 'failed';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  out.push('  phase                                                    time   requests answered by');
  for (const p of phases) {
    const counts = [...(perPhase.get(p.label) ?? [])].sort(([a], [b]) => a.localeCompare(b));
    out.push(
      `    ${p.label.padEnd(50)} ${(p.ms / 1000).toFixed(2).padStart(6)} s   ${counts.map(([s, n]) => `${s} ${n}`).join(', ')}`,
    );
  }
  for (const r of replacements) {
    out.push(
      `  ${r.old.label} (pid ${r.old.pid}) → ${r.next.label} (pid ${r.next.pid}): ${r.steps.drain === undefined ? 'no drain' : `drained in ${r.steps.drain} ms`}, ` +
        `exit ${r.exit.code ?? r.exit.signal} ${r.steps.stop} ms after SIGTERM, healthy ${r.steps.start} ms after start, up in HAProxy ${r.steps.up} ms later`,
    );
  }
  out.push('  checks');
  for (const c of checks) {
    out.push(`    ${c.failures.length ? '✗' : '✓'} ${c.name}`);
    for (const f of c.failures) out.push(`        ${f}`);
  }
  out.push(`  total ${elapsed()}`);
  console.log(out.join('\n'));
  return checks;
}

/** Writes the totals for scripts/test-totals.mjs when CI collects them. */
function writeTotals(checks) {
  const dir = `${ROOT}test-results`;
  if (!existsSync(dir)) return;
  const failed = checks.filter((c) => c.failures.length).length;
  writeFileSync(
    `${dir}/upgrade.json`,
    JSON.stringify({ numPassedTests: checks.length - failed, numFailedTests: failed, checks }, null, 2),
  );
}

const cleanup = {};
async function tidy({ keepLogs, keepSchema }) {
  for (const client of cleanup.clients ?? []) client.close();
  if (cleanup.load?.running) await cleanup.load.stop();
  await cleanup.cluster?.stop().catch(() => {});
  if (cleanup.schema && !keepSchema) {
    await dropPostgresSchema(DATABASE, cleanup.schema).catch((e) =>
      say(`schema ${cleanup.schema} not dropped: ${e.message}`),
    );
  } else if (cleanup.schema) say(`kept the schema ${cleanup.schema}`);
  if (cleanup.dir && !keepLogs) rmSync(cleanup.dir, { recursive: true, force: true });
  else if (cleanup.dir) say(`kept the logs: ${cleanup.dir} (instances, HAProxy)`);
}

process.once('SIGINT', () => {
  say('interrupted: stopping');
  void tidy({ keepLogs: args.keep, keepSchema: args.keep }).finally(() => process.exit(130));
});

let checks;
try {
  checks = report(await run(cleanup));
} catch (error) {
  console.error(`\ntest:upgrade could not run: ${error.stack ?? error}`);
  checks = [{ name: 'the rolling upgrade ran', failures: [String(error.message ?? error)] }];
}
const ok = checks.every((c) => c.failures.length === 0);
writeTotals(checks);
// On failure the logs stay for a look.
await tidy({ keepLogs: args.keep || !ok, keepSchema: args.keep });
process.exit(ok ? 0 : 1);
