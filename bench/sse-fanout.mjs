// SSE fan-out: N subscribers, 20 messages 100 ms apart; delivery latency from POST to receipt at every subscriber,
// and server RSS per idle stream. Usage: npm run bench:sse [-- --sizes 1000,10000 --runs 3]
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { ALICE, BOB, ROOT, median, percentile, pinSelf, sleep, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '3' },
    targets: { type: 'string', default: 'ours,reference' },
  },
});
const TARGETS = {
  ours: { script: `${ROOT}dist/main.js` },
  reference: { script: `${ROOT}bench/reference/server.mjs` },
};
const targets = values.targets.split(',');
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const MESSAGES = 20;
const PORT = 3310;

pinSelf(1);

function openStream(latencies, sentAt) {
  return new Promise((resolve, reject) => {
    const socket = connect(PORT, '127.0.0.1');
    let buffer = '';
    let open = false;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      const now = performance.now();
      buffer += chunk;
      if (!open && buffer.includes('retry: 3000')) {
        open = true;
        resolve(socket);
      }
      let at;
      while ((at = buffer.indexOf('"text":"fanout-')) >= 0) {
        const end = buffer.indexOf('"', at + 15);
        if (end < 0) break;
        const index = Number(buffer.slice(at + 15, end));
        latencies.push(now - sentAt[index]);
        buffer = buffer.slice(end);
      }
      if (buffer.length > 4096) buffer = buffer.slice(-256);
    });
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: bench\r\nAuthorization: ${BOB}\r\n\r\n`);
  });
}

async function run(target, size) {
  const server = await startServer({
    script: TARGETS[target].script,
    port: PORT,
    env: {
      MAX_STREAMS_PER_USER: String(size + 10),
      MAX_CONNECTIONS_PER_ADDRESS: String(size + 100),
      SEND_RATE_PER_SECOND: '1000',
      SEND_BURST: '1000',
      RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
    },
  });
  try {
    // Warm up: verify both users' credentials once, so bcrypt is not measured.
    for (const auth of [ALICE, BOB]) await fetch(`http://127.0.0.1:${PORT}/api/me`, { headers: { Authorization: auth } });
    await sleep(500);
    const rssBefore = await server.rssBytes();

    const latencies = [];
    const sentAt = [];
    const sockets = [];
    for (let i = 0; i < size; i += 200) {
      const batch = Math.min(200, size - i);
      sockets.push(...(await Promise.all(Array.from({ length: batch }, () => openStream(latencies, sentAt)))));
    }
    await sleep(1000);
    const rssPerStream = ((await server.rssBytes()) - rssBefore) / size;

    for (let i = 0; i < MESSAGES; i++) {
      sentAt[i] = performance.now();
      await fetch(`http://127.0.0.1:${PORT}/api/messages`, {
        method: 'POST',
        headers: { Authorization: ALICE, 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: `fanout-${i}` }),
      });
      await sleep(100);
    }
    const deadline = Date.now() + 30_000;
    while (latencies.length < size * MESSAGES && Date.now() < deadline) await sleep(50);
    for (const socket of sockets) socket.destroy();

    const sorted = latencies.sort((a, b) => a - b);
    return {
      streams: size,
      delivered: sorted.length,
      expected: size * MESSAGES,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1),
      rssPerStreamKB: rssPerStream / 1024,
    };
  } finally {
    await server.stop();
  }
}

const results = [];
for (const size of sizes) for (const target of targets) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const sample = await run(target, size);
    console.log(
      `${target} streams=${size} run=${r + 1}: p50 ${sample.p50Ms.toFixed(1)} ms, p99 ${sample.p99Ms.toFixed(1)} ms, ` +
        `max ${sample.maxMs.toFixed(1)} ms, ${sample.rssPerStreamKB.toFixed(1)} KB RSS/stream, ` +
        `${sample.delivered}/${sample.expected} delivered`,
    );
    samples.push(sample);
  }
  results.push({
    target,
    streams: size,
    runs,
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    maxMs: median(samples.map((s) => s.maxMs)),
    rssPerStreamKB: median(samples.map((s) => s.rssPerStreamKB)),
    allDelivered: samples.every((s) => s.delivered === s.expected),
    samples,
  });
}

console.log('\nmedians of %d runs', runs);
console.table(
  results.map((r) => ({
    target: r.target,
    streams: r.streams,
    'p50 ms': r.p50Ms.toFixed(1),
    'p99 ms': r.p99Ms.toFixed(1),
    'max ms': r.maxMs.toFixed(1),
    'KB RSS/stream': r.rssPerStreamKB.toFixed(1),
    'all delivered': r.allDelivered,
    'p99 / reference': r.target === 'reference' ? '' : (r.p99Ms / results.find((x) => x.target === 'reference' && x.streams === r.streams)?.p99Ms).toFixed(2),
  })),
);
await mkdir(`${ROOT}bench/results`, { recursive: true });
const file = `${ROOT}bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-sse-fanout.json`;
await writeFile(file, JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2));
console.log(`wrote ${file}`);
