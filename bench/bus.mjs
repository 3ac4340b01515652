// Cross-instance delivery: how long a message POSTed to instance A takes to reach a stream on instance B, per bus
// (PostgreSQL LISTEN/NOTIFY, Redis pub/sub), against the same-instance delivery of the same run as the reference;
// then how many messages per second B passes on while A takes a burst. Two built servers (dist/) on one fresh
// PostgreSQL schema per bus. Usage: node bench/bus.mjs [--messages 400] [--rate 100] [--burst 2000] [--runs 3]
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ALICE, BOB, median, percentile, sleep, startServer } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    messages: { type: 'string', default: '400' },
    rate: { type: 'string', default: '100' },
    burst: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
    buses: { type: 'string', default: 'postgres,redis' },
  },
});
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BASE_PORT = 23400;

/** A stream reader that calls `onMessage(data, receivedAt)` for each `message` event. */
async function openStream(port, onMessage) {
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/stream`, {
    headers: { Authorization: BOB },
    signal: controller.signal,
  });
  const decoder = new TextDecoder();
  let buffer = '';
  (async () => {
    for await (const chunk of res.body) {
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.includes('event: message')) continue;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) onMessage(JSON.parse(data), at);
      }
    }
  })().catch(() => undefined);
  return () => controller.abort();
}

const post = (port, text) =>
  fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { Authorization: ALICE, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  }).then((r) => {
    if (r.status !== 201) throw new Error(`POST answered ${r.status}`);
    return r.json();
  });

async function measure(bus, run) {
  const schema = `chat_bench_bus_${process.pid}_${run}_${bus}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const env = {
    STORE: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    BUS: bus,
    REDIS_URL,
    REDIS_PREFIX: `bench-${schema}`,
    SEND_RATE_PER_SECOND: '10000',
    SEND_BURST: '10000',
    RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
  };
  const [a, b] = [BASE_PORT, BASE_PORT + 1];
  const servers = [await startServer({ port: a, env, core: 0 }), await startServer({ port: b, env, core: 1 })];
  const sentAt = new Map();
  const latency = { same: [], cross: [] };
  const seenOnB = new Set();
  const closers = [
    await openStream(a, (m, at) => sentAt.has(m.text) && latency.same.push(at - sentAt.get(m.text))),
    await openStream(b, (m, at) => {
      seenOnB.add(m.text);
      if (sentAt.has(m.text)) latency.cross.push(at - sentAt.get(m.text));
    }),
  ];
  try {
    await sleep(300);
    const gap = 1000 / Number(opts.rate);
    for (let i = 0; i < Number(opts.messages); i++) {
      const text = `latency ${run} ${i}`;
      sentAt.set(text, performance.now());
      await post(a, text);
      await sleep(gap);
    }
    await sleep(500);
    // A burst from 20 concurrent senders on A; throughput is the rate at which B's stream gets it.
    const burst = Number(opts.burst);
    const texts = Array.from({ length: burst }, (_, i) => `burst ${run} ${i}`);
    const start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < burst) await post(a, texts[next++]);
      }),
    );
    const posted = performance.now() - start;
    while (!texts.every((t) => seenOnB.has(t))) {
      if (performance.now() - start > 60_000) throw new Error(`${bus}: the burst did not all reach B`);
      await sleep(5);
    }
    const delivered = performance.now() - start;
    const stats = (values) => {
      const sorted = [...values].sort((x, y) => x - y);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
    };
    return {
      same: stats(latency.same),
      cross: stats(latency.cross),
      postRate: burst / (posted / 1000),
      deliverRate: burst / (delivered / 1000),
    };
  } finally {
    for (const close of closers) close();
    for (const server of servers) await server.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const rows = [];
for (const bus of opts.buses.split(',')) {
  const runs = [];
  for (let run = 0; run < Number(opts.runs); run++) runs.push(await measure(bus, run));
  const med = (f) => median(runs.map(f));
  rows.push({
    bus,
    'same-instance p50 ms': med((r) => r.same.p50).toFixed(2),
    'same p99': med((r) => r.same.p99).toFixed(2),
    'cross-instance p50 ms': med((r) => r.cross.p50).toFixed(2),
    'cross p99': med((r) => r.cross.p99).toFixed(2),
    'cross/same p50': med((r) => r.cross.p50 / r.same.p50).toFixed(2),
    'burst POST/s on A': med((r) => r.postRate).toFixed(0),
    'burst delivered/s on B': med((r) => r.deliverRate).toFixed(0),
  });
}
console.log(`node bench/bus.mjs --messages ${opts.messages} --rate ${opts.rate} --burst ${opts.burst} --runs ${opts.runs}`);
console.log('medians of the runs; latency from just before the POST to the stream event');
console.table(rows);
