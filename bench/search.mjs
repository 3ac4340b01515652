// npm run bench:search [-- --sizes 10000,1000000 --stores memory,sqlite,postgres --iterations 200 --runs 1
//   --max-seconds 30]
// Search latency per store, in this process against the built store classes (no HTTP): each store is filled with the
// same generated messages (fixed seed), then every query below runs `--iterations` times after a warm-up (at most
// `--max-seconds` per query and pass; `n` says how many ran), each time as GET /api/search does it for a page of 20:
// parseSearchQuery, store.search(filter, 21, notBefore = 0) over all 20 channels (or those of `in:`), highlights of
// the 20 shown. SQLite runs on the event loop, so its time is also how long the loop is blocked. The SQL stores are
// bulk-loaded with SQL (SQLite's triggers fill its FTS tables; PostgreSQL's indexes are built again after the load,
// then VACUUM ANALYZE), since append runs at a few hundred per second on PostgreSQL. The memory store runs only at
// sizes up to 10 000: it keeps at most MAX_MESSAGES per channel in the heap. Every store must find the same ids as the
// first store measured at that size, or the run exits with 1. Prints p50/p99 per query (the median over `--runs`
// passes), load time and database size; writes bench/results/search-<date>.json.
import { mkdirSync, mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ROOT, median, percentile } from './lib.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000' },
    stores: { type: 'string', default: 'memory,sqlite,postgres' },
    iterations: { type: 'string', default: '200' },
    /** Timing passes over all the queries on the same loaded store; the tables show the median of each figure. */
    runs: { type: 'string', default: '1' },
    /** A query stops early after this long, so that a slow shape cannot hold the run for an hour. */
    'max-seconds': { type: 'string', default: '30' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const STORES = values.stores.split(',');
const ITERATIONS = Number(values.iterations);
const RUNS = Number(values.runs);
const MAX_MS = Number(values['max-seconds']) * 1000;
const WARMUP = Math.min(20, ITERATIONS);
const MEMORY_MAX_SIZE = 10_000;
const PAGE = 20;
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Per channel; above the largest channel of 1 000 000 messages, so the count cap never drops one. */
const MAX_MESSAGES = 2_000_000;
const INSERT_BATCH = 10_000;
const TRANSACTION_ROWS = 50_000;

const { MemoryMessageStore } = await import(`${ROOT}dist/messages/store/memory-message.store.js`);
const { SqliteMessageStore } = await import(`${ROOT}dist/messages/store/sqlite-message.store.js`);
const { PostgresMessageStore } = await import(`${ROOT}dist/messages/store/postgres-message.store.js`);
const { parseSearchQuery, searchFilter } = await import(`${ROOT}dist/search/search-query.js`);
const { highlights } = await import(`${ROOT}dist/search/search-filter.js`);
const { foldText } = await import(`${ROOT}dist/search/fold.js`);

// ---- The generated messages -------------------------------------------------------------------------------------

const SEED = 0x5ea4c4;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks index r of `n` with weight 1 / (r + 1)^s (Zipf). */
function zipf(n, s) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / (r + 1) ** s;
  return (rand) => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** The most frequent words first; 2-letter words at several ranks for the whole-word path. */
const COMMON = (
  'the to and a of in is it that for on you this with we be have are not but at so can do if will just from was ' +
  'what all get about there up out now like ok one go think know need see when would more some new time make ' +
  'should could also back still today fix test build deploy release review branch merge issue bug server client ' +
  'change update check meeting call team thanks please yes no maybe tomorrow week done working looks good problem ' +
  'error log file code data user page api config query cache index database hi staging production rollback ' +
  'latency dashboard alert metrics ticket sprint standup roadmap design feedback customer support docs migration ' +
  'schema backup restore network timeout retry queue worker job cron token session login password'
).split(' ');
const ACCENTED = 'café résumé naïve déjà façade crème jalapeño über zürich são málaga ångström'.split(' ');
const ONSETS = 'b c d f g h j k l m n p r s t v w z br cr dr fl gr pl pr st str tr sh ch th'.split(' ');
const VOWELS = 'a e i o u a e i o u a e ea ou'.split(' ');
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'nt', 'st', 'ck', 'x'];
const VOCABULARY_SIZE = 3000;

const CHANNELS = (
  'general random dev ops design support sales marketing releases incidents frontend backend mobile data security ' +
  'hiring social announcements qa infra'
).split(' ');
const AUTHORS = 'alice bob carol dave erin frank grace heidi ivan judy'.split(' ');
const PHRASES = ['release notes', 'merge request', 'on call', 'stand up'];
const CJK = [
  '明日の会議は10時からです',
  '会議室を予約しました',
  'この問題を確認します',
  'ありがとうございます',
  'リリースノートを更新しました',
  '東京オフィスで会いましょう',
  'テストが失敗しています',
  '明天的会议改到下午',
  '这个问题已经解决了',
  '我们需要更多的测试',
  '请检查一下服务器日志',
  '谢谢大家',
];
const ACCENTED_SENTENCES = [
  'Le café est prêt à côté de la fenêtre.',
  '¿Dónde está la reunión de mañana?',
  'Übermorgen gibt es Käsespätzle in der Kantine.',
  "Señor Muñoz a réservé l'hôtel à Málaga.",
  'Crème brûlée après la démo !',
];
const EMOJI = ['🎉', '👍', '🚀', '😅', '✅', '🔥', '👀', '🙏🏽'];
const LINKS = ['https://github.com/acme/', 'https://docs.example.com/', 'https://jira.example.org/browse/'];
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 0, 1);

/** The same vocabulary every time: real words, then accented ones among made-up syllable words. */
function vocabulary() {
  const rand = random(SEED);
  const words = [...COMMON];
  const seen = new Set(words);
  let accented = 0;
  while (words.length < VOCABULARY_SIZE) {
    if (words.length % 150 === 0 && accented < ACCENTED.length) {
      words.push(ACCENTED[accented++]);
      continue;
    }
    let word = '';
    const syllables = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < syllables; i++) {
      word +=
        pick(rand, ONSETS) +
        pick(rand, VOWELS) +
        (i === syllables - 1 || rand() < 0.3 ? pick(rand, CODAS) : '');
    }
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const WORDS = vocabulary();

/**
 * `size` messages, ids 1..size ascending, spread evenly over 2026: sentences of Zipf-distributed words (exponent
 * 1.05 over 3 000 words); some with a link, an inline code span, a fixed phrase, an accented sentence or emoji; 3 %
 * Japanese or Chinese. Channels and authors are Zipf-distributed too (`general` and `alice` the busiest).
 */
function* generate(size) {
  const rand = random(SEED + size);
  const word = zipf(WORDS.length, 1.05);
  const channel = zipf(CHANNELS.length, 1);
  const author = zipf(AUTHORS.length, 0.8);
  const step = Math.floor((365 * DAY_MS) / size);
  for (let id = 1; id <= size; id++) {
    let text;
    if (rand() < 0.03) {
      text =
        pick(rand, CJK) +
        (rand() < 0.5 ? `、${pick(rand, CJK)}` : '') +
        (rand() < 0.3 ? ` ${WORDS[word(rand)]}` : '');
    } else {
      const parts = [];
      const length = 2 + Math.floor(rand() * rand() * 30);
      for (let i = 0; i < length; i++) parts.push(WORDS[word(rand)]);
      if (rand() < 0.04) parts.splice(Math.floor(rand() * parts.length), 0, pick(rand, PHRASES));
      if (rand() < 0.04) {
        const [a, b] = [WORDS[word(rand)], WORDS[word(rand)]];
        parts.splice(
          Math.floor(rand() * parts.length),
          0,
          rand() < 0.5 ? `\`${a}_${b}()\`` : `\`npm run ${a}\``,
        );
      }
      if (rand() < 0.05) parts.push(`${pick(rand, LINKS)}${WORDS[word(rand)]}/${Math.floor(rand() * 5000)}`);
      text = parts.join(' ');
      text = text[0].toUpperCase() + text.slice(1) + pick(rand, ['.', '.', '', '?', '!']);
      if (rand() < 0.02) text += ` ${pick(rand, ACCENTED_SENTENCES)}`;
      if (rand() < 0.03) text += ` ${pick(rand, EMOJI)}`;
    }
    yield {
      id,
      channel: CHANNELS[channel(rand)],
      author: AUTHORS[author(rand)],
      text,
      created_ms: START_MS + id * step,
    };
  }
}

// ---- The queries ------------------------------------------------------------------------------------------------

/** Each query: its variants, run in turn (iteration i runs variant i mod their number). */
function queries(size) {
  const long = (from, to, min) => WORDS.slice(from, to).filter((w) => w.length >= min && /^[a-z]+$/.test(w));
  const common = long(0, 40, 4).slice(0, 5);
  const rare = long(VOCABULARY_SIZE - 500, VOCABULARY_SIZE, 5)
    .filter((_, i) => i % 40 === 0)
    .slice(0, 10);
  const middle = long(100, 400, 5);
  const substrings = [...new Set(long(300, 600, 7).map((w) => w.slice(2, 5)))].slice(0, 5);
  const month = (m) => `2026-${String(m).padStart(2, '0')}-01`;
  const nothing = ['deployreview', 'mergequery', 'thatwithout'].filter(
    (w) => !WORDS.some((v) => v.includes(w)),
  );
  const mid = Math.floor(size / 2);
  return [
    ['common word', common.map((q) => ({ q }))],
    ['rare word', rare.map((q) => ({ q }))],
    ['substring (3 chars)', substrings.map((q) => ({ q }))],
    ['two words', common.map((w, i) => ({ q: `${w} ${middle[i * 7]}` }))],
    ['2-letter word', ['ok', 'go', 'up', 'hi'].map((q) => ({ q }))],
    ['phrase', PHRASES.map((p) => ({ q: `"${p}"` }))],
    ['exclusion', common.map((w, i) => ({ q: `${w} -${common[(i + 1) % common.length]}` }))],
    ['from: + word', AUTHORS.map((a, i) => ({ q: `from:${a} ${middle[i]}` }))],
    ['in: + word', CHANNELS.slice(5, 15).map((c, i) => ({ q: `in:${c} ${common[i % common.length]}` }))],
    ['has:link', [{ q: 'has:link' }]],
    ['CJK 2 characters', ['会議', '问题', '明日', '测试'].map((q) => ({ q }))],
    [
      'date range + word',
      [3, 5, 7, 9].map((m, i) => ({ q: `after:${month(m)} before:${month(m + 1)} ${common[i]}` })),
    ],
    ['matches nothing', nothing.map((q) => ({ q }))],
    ['paging (before = middle id)', common.map((q) => ({ q, before: mid }))],
  ];
}

/** One search as SearchService runs it for a page of 20 (limit + 1 to know hasMore): the ids and highlights shown. */
async function search(store, { q, before }) {
  const query = parseSearchQuery(q);
  const filter = searchFilter(query, query.in.length > 0 ? query.in : CHANNELS, before);
  const found = await store.search(filter, PAGE + 1, 0);
  return found
    .slice(0, PAGE)
    .map((message) => ({ id: message.id, highlights: highlights(query.include, message.text) }));
}

// ---- Loading each store -----------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'chat-bench-search-'));
const admin = new pg.Client({ connectionString: PG_URL });
let adminConnected = false;
const schemas = [];

/** The generated messages, counting each channel's as store_state and channel_state book them. */
function* counted(size, byChannel) {
  for (const row of generate(size)) {
    byChannel.set(row.channel, (byChannel.get(row.channel) ?? 0) + 1);
    yield row;
  }
}

async function loadMemory(size) {
  const store = new MemoryMessageStore(MAX_MESSAGES);
  for (const row of generate(size)) {
    await store.append(
      {
        id: row.id,
        channel: row.channel,
        user: row.author,
        text: row.text,
        createdAt: new Date(row.created_ms).toISOString(),
      },
      0,
    );
  }
  return { store, bytes: { total: NaN, search: NaN }, cleanup: () => undefined };
}

async function loadSqlite(size) {
  const path = join(dir, `search-${size}.db`);
  await new SqliteMessageStore({ path, maxMessages: MAX_MESSAGES }).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO messages (id, channel, author, text, created_ms, client_msg_id, search) VALUES (?, ?, ?, ?, ?, NULL, ?)',
  );
  const insertMany = db.transaction((rows) => {
    for (const r of rows) insert.run(r.id, r.channel, r.author, r.text, r.created_ms, foldText(r.text));
  });
  const byChannel = new Map();
  let rows = [];
  for (const row of counted(size, byChannel)) {
    rows.push(row);
    if (rows.length === TRANSACTION_ROWS) {
      insertMany(rows);
      rows = [];
    }
  }
  insertMany(rows);
  db.transaction(() => {
    db.prepare('UPDATE store_state SET highest_id = ?, highest_gone_id = 0, stored = ?').run(size, size);
    const book = db.prepare(
      'INSERT INTO channel_state (channel, stored, highest_gone_id) VALUES (?, ?, 0) ' +
        'ON CONFLICT (channel) DO UPDATE SET stored = excluded.stored',
    );
    for (const [channel, stored] of byChannel) book.run(channel, stored);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const search = db
    .prepare(
      "SELECT sum(pgsize) AS bytes FROM dbstat WHERE name LIKE 'message_trigrams%' OR name LIKE 'message_words%'",
    )
    .get().bytes;
  db.close();
  const store = new SqliteMessageStore({ path, maxMessages: MAX_MESSAGES });
  const total = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
  return { store, bytes: { total, search }, cleanup: () => rmSync(path, { force: true }) };
}

async function loadPostgres(size) {
  if (!adminConnected) {
    await admin.connect();
    adminConnected = true;
  }
  const schema = `chat_bench_search_${process.pid}_${schemas.length}`;
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  await (await PostgresMessageStore.open({ url, maxMessages: MAX_MESSAGES, poolSize: 1 })).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'");
    // The migrations' indexes (not the primary key), dropped for the load and built again from their own definitions.
    const { rows: indexes } = await client.query(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'messages' " +
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'messages'::regclass)",
    );
    for (const { indexname } of indexes) await client.query(`DROP INDEX ${indexname}`);
    const insert =
      'INSERT INTO messages (id, channel, author, text, created_ms, search) ' +
      'SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])';
    let batch = [];
    let inTransaction = 0;
    const flush = async () => {
      if (inTransaction === 0) await client.query('BEGIN');
      await client.query(insert, [
        batch.map((r) => r.id),
        batch.map((r) => r.channel),
        batch.map((r) => r.author),
        batch.map((r) => r.text),
        batch.map((r) => r.created_ms),
        batch.map((r) => foldText(r.text)),
      ]);
      inTransaction += batch.length;
      batch = [];
      if (inTransaction >= TRANSACTION_ROWS) {
        await client.query('COMMIT');
        inTransaction = 0;
      }
    };
    const byChannel = new Map();
    for (const row of counted(size, byChannel)) {
      batch.push(row);
      if (batch.length === INSERT_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    if (inTransaction > 0) await client.query('COMMIT');
    for (const { indexdef } of indexes) await client.query(indexdef);
    await client.query('UPDATE store_state SET highest_id = $1, highest_gone_id = 0, stored = $1', [size]);
    await client.query(
      'INSERT INTO channel_state (channel, stored, highest_gone_id) SELECT c, s, 0 FROM unnest($1::text[], $2::bigint[]) AS t (c, s) ' +
        'ON CONFLICT (channel) DO UPDATE SET stored = excluded.stored',
      [[...byChannel.keys()], [...byChannel.values()]],
    );
    await client.query('VACUUM ANALYZE messages');
    await client.query('ANALYZE channel_state');
    const { rows } = await client.query(
      'SELECT (SELECT sum(pg_total_relation_size(oid)) FROM pg_class ' +
        "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r') AS total, " +
        '(SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid ' +
        "JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = 'messages'::regclass AND a.amname = 'gin') AS search",
    );
    const store = await PostgresMessageStore.open({ url, maxMessages: MAX_MESSAGES, poolSize: 4 });
    const cleanup = () => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    return { store, bytes: { total: Number(rows[0].total), search: Number(rows[0].search) }, cleanup };
  } finally {
    await client.end();
  }
}

const LOADERS = { memory: loadMemory, sqlite: loadSqlite, postgres: loadPostgres };

// ---- Measuring --------------------------------------------------------------------------------------------------

const mb = (bytes) => (Number.isNaN(bytes) ? '' : (bytes / 1e6).toFixed(0));
const ms = (value) => value.toFixed(value < 10 ? 2 : 1);

const queryRows = [];
const loadRows = [];
/** Each pass's p50 and p99, for the JSON file. */
const passes = [];
let mismatches = 0;

for (const size of SIZES) {
  /** The ids each variant found at this size in the first store measured: every other store must find the same. */
  let expected = null;
  for (const kind of STORES) {
    if (kind === 'memory' && size > MEMORY_MAX_SIZE) {
      console.error(
        `memory ${size}: skipped (the memory store keeps at most MAX_MESSAGES per channel in the heap)`,
      );
      continue;
    }
    const loadStart = performance.now();
    const { store, bytes, cleanup } = await LOADERS[kind](size);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    loadRows.push({
      store: kind,
      messages: size,
      'load s': loadSeconds.toFixed(1),
      'DB MB': mb(bytes.total),
      'search index MB': mb(bytes.search),
    });
    console.error(`${kind} ${size}: loaded in ${loadSeconds.toFixed(1)} s`);
    const found = new Map();
    const list = queries(size);
    const timings = list.map(() => ({ p50s: [], p99s: [], samples: 0 }));
    try {
      // Whole passes over the queries, so that a burst of load on this shared machine lands in one pass, not in all
      // the figures of one query.
      for (let run = 0; run < RUNS; run++) {
        for (const [q, [name, variants]] of list.entries()) {
          const warmupStart = performance.now();
          const warm = (i) =>
            i < variants.length || (i < WARMUP && performance.now() - warmupStart < MAX_MS / 10);
          for (let i = 0; warm(i); i++) {
            const results = await search(store, variants[i % variants.length]);
            if (run === 0 && i < variants.length)
              found.set(
                `${name}: ${variants[i].q}`,
                results.map((r) => r.id),
              );
          }
          const times = [];
          const runStart = performance.now();
          for (let i = 0; i < ITERATIONS && performance.now() - runStart < MAX_MS; i++) {
            const start = performance.now();
            await search(store, variants[i % variants.length]);
            times.push(performance.now() - start);
          }
          times.sort((a, b) => a - b);
          timings[q].p50s.push(percentile(times, 50));
          timings[q].p99s.push(percentile(times, 99));
          timings[q].samples += times.length;
          console.error(
            `${kind} ${size} pass ${run + 1}: ${name}: p50 ${ms(percentile(times, 50))} ms, p99 ${ms(percentile(times, 99))} ms`,
          );
        }
      }
      for (const [q, [name, variants]] of list.entries()) {
        const { p50s, p99s, samples } = timings[q];
        queryRows.push({
          store: kind,
          messages: size,
          query: name,
          example: variants[0].q + (variants[0].before ? ` (before=${variants[0].before})` : ''),
          results: found.get(`${name}: ${variants[0].q}`).length,
          'p50 ms': ms(median(p50s)),
          'p99 ms': ms(median(p99s)),
          n: samples,
        });
        passes.push({ store: kind, messages: size, query: name, p50s, p99s });
      }
    } finally {
      await store.close();
      await cleanup();
    }
    if (expected === null) {
      expected = { kind, found };
      continue;
    }
    for (const [key, ids] of found) {
      const want = expected.found.get(key);
      if (want.join() === ids.join()) continue;
      mismatches++;
      console.error(
        `MISMATCH at ${size}, ${key}: ${kind} found [${ids.slice(0, 5)}…] (${ids.length}), ` +
          `${expected.kind} found [${want.slice(0, 5)}…] (${want.length})`,
      );
    }
  }
}

console.table(loadRows);
console.table(queryRows);
mkdirSync(`${ROOT}bench/results`, { recursive: true });
const file = `${ROOT}bench/results/search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
await writeFile(
  file,
  JSON.stringify({ options: values, load: loadRows, queries: queryRows, passes, mismatches }, null, 2),
);
console.error(`wrote ${file}`);
for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
if (adminConnected) await admin.end();
rmSync(dir, { recursive: true, force: true });
if (mismatches > 0) {
  console.error(`${mismatches} queries found different messages in different stores`);
  process.exitCode = 1;
}
