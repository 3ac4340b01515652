// npm run profile -- <scenario> [--duration 10]
// Starts our server with --cpu-prof, drives one scenario with autocannon, stops the server and prints the top
// frames by self time (from the .cpuprofile, which Chrome DevTools can also open).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ALICE, ROOT, pinSelf, startServer } from './lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { duration: { type: 'string', default: '10' }, top: { type: 'string', default: '25' } },
});
const scenario = positionals[0] ?? 'get50';
const PORT = 3330;
const base = `http://127.0.0.1:${PORT}`;
const json = { 'Content-Type': 'application/json' };
const SCENARIOS = {
  post: { url: `${base}/api/messages`, method: 'POST', headers: { ...json, Authorization: ALICE }, body: '{"text":"profile me"}' },
  get50: { url: `${base}/api/messages?limit=50`, headers: { Authorization: ALICE } },
  get1000: { url: `${base}/api/messages?limit=1000`, headers: { Authorization: ALICE } },
  me: { url: `${base}/api/me`, headers: { Authorization: ALICE } },
};
if (!SCENARIOS[scenario]) throw new Error(`unknown scenario ${scenario}; one of ${Object.keys(SCENARIOS).join(', ')}`);

pinSelf(1);
const dir = `${ROOT}bench/results/profiles/${new Date().toISOString().replace(/[:.]/g, '-')}-${scenario}`;
await mkdir(dir, { recursive: true });
const server = await startServer({
  port: PORT,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  env: {
    SEND_RATE_PER_SECOND: '10000',
    SEND_BURST: '10000',
    RATE_LIMIT_PER_USER_PER_MINUTE: '100000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
  },
});
for (let i = 0; i < 1000; i++) {
  await fetch(`${base}/api/messages`, { method: 'POST', headers: { ...json, Authorization: ALICE }, body: `{"text":"seed ${i}"}` });
}
const result = await autocannon({ connections: 50, duration: Number(values.duration), ...SCENARIOS[scenario] });
console.log(`${scenario}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms`);
await server.stop();

const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(await readFile(`${dir}/${file}`, 'utf8'));
const self = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const frames = new Map();
for (const [id, micros] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}`, '')}:${lineNumber + 1}`;
  frames.set(key, (frames.get(key) ?? 0) + micros);
}
console.log(`\ntop frames by self time (${dir}/${file}):`);
for (const [key, micros] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`);
}
