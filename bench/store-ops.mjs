// npm run bench:store [-- --sizes 1000,10000 --iterations 2000 --stores memory,sqlite,postgres]
// Times each store operation directly (no HTTP) at each number of retained messages. SQLite runs synchronously on
// the event loop, so its time per call is how long the loop is blocked; the issue's bar is the longest block < 5 ms
// at 10 000 messages. PostgreSQL's time is a round trip and does not block the loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ROOT, percentile } from './lib.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    iterations: { type: 'string', default: '2000' },
    stores: { type: 'string', default: 'memory,sqlite,postgres' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const ITERATIONS = Number(values.iterations);
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const { MemoryMessageStore } = await import(`${ROOT}dist/messages/store/memory-message.store.js`);
const { SqliteMessageStore } = await import(`${ROOT}dist/messages/store/sqlite-message.store.js`);
const { PostgresMessageStore } = await import(`${ROOT}dist/messages/store/postgres-message.store.js`);

const dir = mkdtempSync(join(tmpdir(), 'chat-bench-store-'));
const admin = new pg.Client({ connectionString: PG_URL });
const schemas = [];

async function open(kind, maxMessages) {
  if (kind === 'memory') return new MemoryMessageStore(maxMessages);
  if (kind === 'sqlite') return new SqliteMessageStore({ path: join(dir, `${kind}-${maxMessages}.db`), maxMessages });
  if (schemas.length === 0) await admin.connect();
  const schema = `chat_bench_${process.pid}_${schemas.length}`;
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return PostgresMessageStore.open({ url, maxMessages, poolSize: 4 });
}

const T0 = Date.now() - 60_000;
let nextId = 1;
const message = (clientMsgId) => {
  const id = nextId++;
  const text = `message ${id} `.repeat(6);
  return { id, channel: 'general', user: `user${id % 100}`, text, createdAt: new Date(T0 + id).toISOString(), ...(clientMsgId && { clientMsgId }) };
};

async function time(fn) {
  const samples = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1) };
}

const rows = [];
for (const kind of values.stores.split(',')) {
  for (const size of SIZES) {
    nextId = 1;
    const store = await open(kind, size);
    for (let i = 0; i < size; i++) await store.append(message(`fill-${i}`), 0);
    const notBefore = T0 - 1;
    const mid = Math.floor(size / 2);
    const ops = {
      'append (at the cap)': () => store.append(message(), notBefore),
      'append with clientMsgId': (i) => store.append(message(`c-${i}`), notBefore),
      'latest 50': () => store.latest('general', 50, notBefore),
      'latest 1000': () => store.latest('general', 1000, notBefore),
      'before (middle) 50': () => store.before('general', nextId - mid, 50, notBefore),
      'after (middle) 100': () => store.after('general', nextId - mid, 100, notBefore),
      'afterIn 3 channels (middle) 100': () => store.afterIn(['general', 'a', 'b'], nextId - mid, 100, notBefore),
      'countAfter (unread, middle)': () => store.countAfter('general', nextId - mid, notBefore),
      bounds: () => store.bounds('general', notBefore),
      'findByClientMsgId': (i) => store.findByClientMsgId(`user${i % 100}`, `c-${i}`, notBefore),
      lastGoneId: () => store.lastGoneId(['general'], notBefore),
    };
    for (const [op, fn] of Object.entries(ops)) {
      const t = await time(fn);
      rows.push({ store: kind, messages: size, op, 'p50 ms': t.p50.toFixed(3), 'p99 ms': t.p99.toFixed(3), 'max ms': t.max.toFixed(3) });
    }
    // One eviction run over every message but the newest 10, in batches of EVICTION_BATCH with a turn of the loop between.
    const evictStart = performance.now();
    const evicted = await store.evict(T0 + nextId - 10);
    rows.push({ store: kind, messages: size, op: `evict ${evicted} (whole run, batches of 500)`, 'p50 ms': '', 'p99 ms': '', 'max ms': (performance.now() - evictStart).toFixed(3) });
    await store.close();
    console.error(`${kind} ${size}: done`);
  }
}
console.table(rows);
for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
if (schemas.length > 0) await admin.end();
rmSync(dir, { recursive: true, force: true });
