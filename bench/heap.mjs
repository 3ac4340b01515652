// npm run bench:heap [-- --streams 10000 --duration 10 --runs 3 --only heap,loop]
// heap: our server with N idle SSE streams (alice, MAX_STREAMS_PER_USER raised, default ping interval): heap used and
//   RSS before and after opening them, and heap snapshots with the streams open and after they closed
//   (--heapsnapshot-signal, kept under bench/results/heap/), summarised by constructor: the top 15 by self size with
//   the streams open, and what each stream adds.
// loop: event-loop delay (prom-client's p50/p99 from the metrics port) and utilisation, idle and under GET limit=50
//   at 50 connections (1000 messages stored); also idle with the N streams open (in the heap part).
// ELU is approximated from the server's main thread CPU time (/proc/<pid>/task/<pid>/stat) over wall time: the
// event loop runs on that thread, garbage collection helpers and the libuv pool do not (the whole process' CPU is
// reported next to it). prom-client exposes no ELU, and src/ stays untouched.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ALICE, BOB, ROOT, basic, median, pinSelf, sleep, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
  },
});
const STREAMS = Number(values.streams);
const DURATION = Number(values.duration);
const RUNS = Number(values.runs);
const ONLY = values.only ? values.only.split(',') : null;
const PORT = 3450;
const METRICS_PORT = 3451;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const TICKS_PER_SECOND = 100; // CLK_TCK on Linux
const USERS = [ALICE, BOB, basic('carol', 'carol-password')];
const ENV = {
  METRICS_PORT: String(METRICS_PORT),
  MAX_STREAMS_PER_USER: '100000',
  MAX_CONNECTIONS_PER_ADDRESS: '20000',
  SEND_RATE_PER_SECOND: '10000',
  SEND_BURST: '10000',
  RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
};
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dir = `${ROOT}bench/results/heap/${stamp}`;

pinSelf(1);

/** The unlabelled samples of the server's Prometheus text (scraping also resets prom-client's lag histogram). */
async function scrape() {
  const text = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[a-z_][a-z0-9_]* /.test(line))
      .map((line) => [line.split(' ')[0], Number(line.split(' ')[1])]),
  );
}

/** CPU seconds (user + system) of the main thread, where the event loop runs, and of the whole process. */
async function cpuSeconds(pid) {
  const ticks = async (path) => {
    const fields = (await readFile(path, 'utf8')).split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  };
  return { main: await ticks(`/proc/${pid}/task/${pid}/stat`), process: await ticks(`/proc/${pid}/stat`) };
}

/** Event-loop delay and utilisation over a window in which `during()` runs (sleep, or load). */
async function loopWindow(server, during) {
  await scrape();
  const cpuBefore = await cpuSeconds(server.pid);
  const started = performance.now();
  const extra = await during();
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = await cpuSeconds(server.pid);
  const metrics = await scrape();
  return {
    eluMainThread: (cpuAfter.main - cpuBefore.main) / wall,
    cpuProcess: (cpuAfter.process - cpuBefore.process) / wall,
    lagP50Ms: metrics.nodejs_eventloop_lag_p50_seconds * 1000,
    lagP99Ms: metrics.nodejs_eventloop_lag_p99_seconds * 1000,
    lagMaxMs: metrics.nodejs_eventloop_lag_max_seconds * 1000,
    ...extra,
  };
}

const describe = (w) =>
  `ELU ≈ ${w.eluMainThread.toFixed(2)} (process CPU ${w.cpuProcess.toFixed(2)} cores), loop delay p50 ${w.lagP50Ms.toFixed(1)} ms, ` +
  `p99 ${w.lagP99Ms.toFixed(1)} ms, max ${w.lagMaxMs.toFixed(1)} ms${w.rps === undefined ? '' : `, ${w.rps.toFixed(0)} req/s`}`;

function openStream() {
  return new Promise((resolve, reject) => {
    const socket = connect(PORT, '127.0.0.1');
    let head = '';
    const onData = (chunk) => {
      head += chunk;
      if (/^HTTP\/1\.1 (?!200)/.test(head)) reject(new Error(`stream refused: ${head.split('\r\n')[0]}`));
      else if (head.includes('retry: 3000')) {
        socket.off('data', onData);
        socket.on('data', () => {}); // pings
        resolve(socket);
      }
    };
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', onData);
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: bench\r\nAuthorization: ${ALICE}\r\n\r\n`);
  });
}

/** Sends SIGUSR2 and waits until the snapshot is written (the server answers again once the synchronous write ends). */
async function heapSnapshot(server, name) {
  const before = new Set(await readdir(dir));
  process.kill(server.pid, 'SIGUSR2');
  let file;
  while (!(file = (await readdir(dir)).find((f) => f.endsWith('.heapsnapshot') && !before.has(f))))
    await sleep(100);
  await fetch(`${URL_BASE}/api/health`);
  // The write blocked the loop for a while; the overload monitor sheds requests until its next half-second sample.
  await sleep(1500);
  const path = `${dir}/${name}.heapsnapshot`;
  await rename(`${dir}/${file}`, path);
  return path;
}

/** The numbers of a JSON array in `buf` starting at `from`, scanned from the bytes (snapshots outgrow a string). */
function numbers(buf, from, count) {
  const out = new Float64Array(count);
  let n = 0;
  let value = -1;
  for (let i = from; n < count; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) value = (value < 0 ? 0 : value * 10) + (c - 48);
    else if (value >= 0) {
      out[n++] = value;
      value = -1;
    }
  }
  return out;
}

/**
 * A .heapsnapshot summarised: self size and count per constructor (objects and native objects by name, everything
 * else by node type, as "(string)", "(closure)", "(object shape)"...), and the hidden classes (Map + its
 * DescriptorArray) that a single object uses alone, by that object's constructor.
 */
async function summarise(path) {
  const buf = await readFile(path);
  const nodesAt = buf.indexOf('"nodes":[');
  const header = JSON.parse(`${buf.toString('utf8', 0, nodesAt).trim().replace(/,$/, '')}}`);
  const { meta, node_count: nodeCount, edge_count: edgeCount } = header.snapshot;
  const [types] = meta.node_types;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const [typeAt, nameAt, sizeAt, edgesAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  );
  const stringsAt = buf.indexOf('"strings":[', nodesAt);
  const strings = JSON.parse(buf.toString('utf8', stringsAt + 10, buf.lastIndexOf(']') + 1));
  const nodes = numbers(buf, nodesAt + 9, nodeCount * NF);
  const edges = numbers(buf, buf.indexOf('"edges":[', nodesAt) + 9, edgeCount * EF);
  const name = (node) => strings[nodes[node * NF + nameAt]];
  const mapEdge = strings.indexOf('map');
  const descriptorsEdge = strings.indexOf('descriptors');

  const groups = new Map();
  const mapUsers = new Map(); // Map node -> [users, first user]
  const mapBytes = new Map(); // Map node -> own size + its DescriptorArray
  let total = 0;
  for (let node = 0, edge = 0; node < nodeCount; node++) {
    const type = types[nodes[node * NF + typeAt]];
    const key = type === 'object' || type === 'native' ? name(node) : `(${type})`;
    const size = nodes[node * NF + sizeAt];
    const group = groups.get(key) ?? { size: 0, count: 0 };
    group.size += size;
    group.count += 1;
    groups.set(key, group);
    total += size;
    const isMap = type === 'object shape' && name(node) === 'system / Map';
    for (let e = 0; e < nodes[node * NF + edgesAt]; e++, edge += EF) {
      const to = edges[edge + 2] / NF;
      if (type === 'object' && edges[edge + 1] === mapEdge) {
        const users = mapUsers.get(to);
        mapUsers.set(to, users ? [users[0] + 1, users[1]] : [1, node]);
      } else if (isMap && edges[edge + 1] === descriptorsEdge) {
        mapBytes.set(node, size + nodes[to * NF + sizeAt]);
      }
    }
  }
  const ownShapes = new Map();
  for (const [map, [users, user]] of mapUsers) {
    if (users !== 1) continue;
    const own = ownShapes.get(name(user)) ?? { size: 0, count: 0 };
    own.size += mapBytes.get(map) ?? nodes[map * NF + sizeAt];
    own.count += 1;
    ownShapes.set(name(user), own);
  }
  return { total, groups, ownShapes, bytes: buf.length };
}

const COMMIT = execFileSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], {
  encoding: 'utf8',
}).trim();
const results = {
  node: process.version,
  checkout: COMMIT,
  date: new Date().toISOString(),
  streams: STREAMS,
  duration: DURATION,
  runs: RUNS,
};
await mkdir(dir, { recursive: true });

if (!ONLY || ONLY.includes('heap')) {
  const server = await startServer({
    port: PORT,
    env: ENV,
    nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`],
  });
  const sockets = [];
  try {
    await fetch(`${URL_BASE}/api/me`, { headers: { Authorization: ALICE } });
    await sleep(1000);
    // RSS and heap before any snapshot: writing one grows RSS by itself.
    const before = { rss: await server.rssBytes(), heapUsed: (await scrape()).nodejs_heap_size_used_bytes };
    for (let i = 0; i < STREAMS; i += 200) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(200, STREAMS - i) }, openStream))));
    }
    await sleep(2000);
    const metrics = await scrape();
    const after = {
      rss: await server.rssBytes(),
      heapUsed: metrics.nodejs_heap_size_used_bytes,
      openStreams: metrics.chat_open_streams,
    };
    // Long enough to include a ping to every stream (STREAM_PING_SECONDS, 15 s by default).
    const idleWithStreams = await loopWindow(server, () => sleep(16_000));
    console.log(`idle with ${STREAMS} streams: ${describe(idleWithStreams)}`);
    const afterFile = await heapSnapshot(server, `streams-${STREAMS}`);
    // The baseline is taken after the streams are closed, so that both snapshots saw the same warmed-up server.
    for (const socket of sockets.splice(0)) socket.destroy();
    await sleep(2000);
    const beforeFile = await heapSnapshot(server, 'streams-closed');

    const [b, a] = [await summarise(beforeFile), await summarise(afterFile)];
    const top = [...a.groups].sort((x, y) => y[1].size - x[1].size).slice(0, 15);
    const perStream = [...a.groups]
      .map(([key, g]) => [
        key,
        g.size - (b.groups.get(key)?.size ?? 0),
        g.count - (b.groups.get(key)?.count ?? 0),
      ])
      .sort((x, y) => y[1] - x[1])
      .slice(0, 15);
    results.heap = {
      openStreams: after.openStreams,
      rssBeforeMB: before.rss / 2 ** 20,
      rssAfterMB: after.rss / 2 ** 20,
      heapUsedBeforeMB: before.heapUsed / 2 ** 20,
      heapUsedAfterMB: after.heapUsed / 2 ** 20,
      snapshotLiveBeforeMB: b.total / 2 ** 20,
      snapshotLiveAfterMB: a.total / 2 ** 20,
      rssPerStreamKB: (after.rss - before.rss) / STREAMS / 1024,
      heapPerStreamKB: (a.total - b.total) / STREAMS / 1024,
      snapshots: [beforeFile, afterFile],
      snapshotMB: [b.bytes / 2 ** 20, a.bytes / 2 ** 20],
      idleWithStreams,
      top: top.map(([key, g]) => ({ constructor: key, selfMB: g.size / 2 ** 20, count: g.count })),
      perStream: perStream.map(([key, size, count]) => ({
        constructor: key,
        bytesPerStream: size / STREAMS,
        countPerStream: count / STREAMS,
      })),
      ownShapesPerStream: [...a.ownShapes]
        .map(([key, g]) => ({
          constructor: key,
          bytesPerStream: (g.size - (b.ownShapes.get(key)?.size ?? 0)) / STREAMS,
          countPerStream: (g.count - (b.ownShapes.get(key)?.count ?? 0)) / STREAMS,
        }))
        .filter((o) => o.countPerStream >= 0.5)
        .sort((x, y) => y.bytesPerStream - x.bytesPerStream),
    };
    const h = results.heap;
    console.log(
      `\n${h.openStreams} idle streams: RSS ${h.rssBeforeMB.toFixed(0)} → ${h.rssAfterMB.toFixed(0)} MB ` +
        `(${h.rssPerStreamKB.toFixed(1)} KB/stream), heap used ${h.heapUsedBeforeMB.toFixed(0)} → ${h.heapUsedAfterMB.toFixed(0)} MB, ` +
        `live heap in the snapshots (streams closed → open) ${h.snapshotLiveBeforeMB.toFixed(0)} → ${h.snapshotLiveAfterMB.toFixed(0)} MB ` +
        `(${h.heapPerStreamKB.toFixed(1)} KB/stream); snapshots in ${dir}`,
    );
    console.log(`\ntop ${top.length} constructors by self size with ${STREAMS} streams open:`);
    console.table(
      h.top.map((t) => ({ constructor: t.constructor, 'self MB': t.selfMB.toFixed(1), count: t.count })),
    );
    console.log(
      'what each stream adds (snapshot with the streams open − after they closed, divided by the streams):',
    );
    console.table(
      h.perStream.map((t) => ({
        constructor: t.constructor,
        'bytes / stream': Math.round(t.bytesPerStream),
        'objects / stream': t.countPerStream.toFixed(2),
      })),
    );
    console.log(
      'objects per stream with a hidden class of their own (Map + DescriptorArray used by no other object):',
    );
    console.table(
      h.ownShapesPerStream.map((t) => ({
        constructor: t.constructor,
        'shape bytes / stream': Math.round(t.bytesPerStream),
        'objects / stream': t.countPerStream.toFixed(2),
      })),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  }
}

if (!ONLY || ONLY.includes('loop')) {
  const server = await startServer({ port: PORT, env: ENV });
  try {
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          fetch(`${URL_BASE}/api/messages`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: ALICE },
            body: JSON.stringify({ text: `seed message ${i + k} `.repeat(4) }),
          }).then((r) => r.arrayBuffer()),
        ),
      );
    }
    for (const auth of USERS) await fetch(`${URL_BASE}/api/me`, { headers: { Authorization: auth } });
    const samples = [];
    for (let run = 0; run < RUNS; run++) {
      const idle = await loopWindow(server, () => sleep(DURATION * 1000));
      const load = await loopWindow(server, async () => {
        const r = await autocannon({
          url: `${URL_BASE}/api/messages?limit=50`,
          connections: 50,
          duration: DURATION,
          headers: { Authorization: USERS[run % USERS.length] },
        });
        return { rps: r.requests.total / r.duration, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
      });
      console.log(`run ${run + 1}/${RUNS} idle: ${describe(idle)}`);
      console.log(
        `run ${run + 1}/${RUNS} GET limit=50, 50 connections: ${describe(load)}, p99 latency ${load.p99} ms`,
      );
      samples.push({ idle, load });
    }
    const med = (phase, field) => median(samples.map((s) => s[phase][field]));
    const fields = ['eluMainThread', 'cpuProcess', 'lagP50Ms', 'lagP99Ms', 'lagMaxMs'];
    results.loop = {
      idle: Object.fromEntries(fields.map((f) => [f, med('idle', f)])),
      load: Object.fromEntries([...fields, 'rps', 'p99'].map((f) => [f, med('load', f)])),
      samples,
    };
    console.log(`\nmedians of ${RUNS} runs, ${DURATION} s each`);
    console.table(
      ['idle', 'load'].map((phase) => ({
        phase: phase === 'idle' ? 'idle (no streams)' : 'GET limit=50, 50 connections',
        'ELU ≈ (main thread CPU)': results.loop[phase].eluMainThread.toFixed(2),
        'process CPU (cores)': results.loop[phase].cpuProcess.toFixed(2),
        'loop delay p50 ms': results.loop[phase].lagP50Ms.toFixed(1),
        'loop delay p99 ms': results.loop[phase].lagP99Ms.toFixed(1),
        'req/s': results.loop[phase].rps?.toFixed(0) ?? '',
      })),
    );
  } finally {
    await server.stop();
  }
}

const file = `${ROOT}bench/results/heap-${stamp}.json`;
await writeFile(file, JSON.stringify(results, null, 2));
console.log(`wrote ${file}`);
