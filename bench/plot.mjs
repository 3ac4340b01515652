// node bench/plot.mjs [bench/results/limits-<date>.json ...] [--out docs/limits.svg]
// Draws the connections ramp of one or more limits runs (the newest one by default; with several, the median of each
// step) as a hand-written SVG: 2xx answers per second and p99 latency against connections, GET limit=50 and POST,
// log x axis (and log y for p99). Also prints the plotted medians as a Markdown table.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ROOT, median } from './lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', default: `${ROOT}docs/limits.svg` } },
});
const files = positionals.length
  ? positionals
  : [
      `${ROOT}bench/results/${(await readdir(`${ROOT}bench/results`))
        .filter((f) => /^limits-.*\.json$/.test(f))
        .sort()
        .at(-1)}`,
    ];
const runs = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8'))));
const run = runs.at(-1);

const SERIES = [
  { key: 'get50', label: 'GET limit=50 (1000 stored)', color: '#1f77b4' },
  { key: 'post', label: 'POST a message', color: '#d95f02' },
];
const connections = [
  ...new Set(
    runs.flatMap((r) => r.steps.filter((s) => s.section === 'connections').map((s) => s.connections)),
  ),
].sort((a, b) => a - b);
if (connections.length === 0) throw new Error(`${files.join(', ')}: no connections ramp`);
/** One point per step of a series: the medians over the runs, hollow when any run had trouble at that step. */
const ramp = (key) =>
  connections.flatMap((c) => {
    const steps = runs.flatMap((r) =>
      r.steps.filter((s) => s.section === 'connections' && s.series === key && s.connections === c),
    );
    if (steps.length === 0) return [];
    const med = (field) => median(steps.map((s) => s[field]));
    return [
      {
        connections: c,
        okRps: med('okRps'),
        p50: med('p50'),
        p99: med('p99'),
        answeredConnections: med('answeredConnections'),
        non2xx: med('non2xx'),
        rssEndMB: med('rssEndMB'),
        failed: steps.some(
          (s) => s.errors + s.timeouts + s.non2xx > 0 || s.answeredConnections < s.connections,
        ),
        runs: steps.length,
      },
    ];
  });

const W = 960;
const H = 456;
const PANEL = { width: 380, height: 280, top: 76 };
const LEFTS = [80, 560];
const round = (n) => Math.round(n * 10) / 10;
const short = (c) => (c >= 1000 ? `${c / 1000}k` : String(c));
const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

const log = (v) => Math.log10(v);
const xMin = log(Math.min(...connections)) - 0.15;
const xMax = log(Math.max(...connections)) + 0.15;
const xAt = (left, c) => left + ((log(c) - xMin) / (xMax - xMin)) * PANEL.width;

function niceMax(v) {
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}

/** One panel: axes, grid, ticks, a line and markers per series; `y` maps a value to 0..1 (or null to skip). */
function panel(left, title, yTicks, y, value, extra = '') {
  const bottom = PANEL.top + PANEL.height;
  const yAt = (v) => bottom - y(v) * PANEL.height;
  const parts = [
    `<text x="${left + PANEL.width / 2}" y="${PANEL.top - 14}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of yTicks) {
    parts.push(
      `<line x1="${left}" x2="${left + PANEL.width}" y1="${round(yAt(t))}" y2="${round(yAt(t))}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${round(yAt(t)) + 4}" text-anchor="end">${t.toLocaleString('en-US')}</text>`,
    );
  }
  for (const c of connections) {
    parts.push(
      `<line x1="${round(xAt(left, c))}" x2="${round(xAt(left, c))}" y1="${PANEL.top}" y2="${bottom}" stroke="#eee"/>`,
      `<text x="${round(xAt(left, c))}" y="${bottom + 16}" text-anchor="middle">${short(c)}</text>`,
    );
  }
  parts.push(
    `<rect x="${left}" y="${PANEL.top}" width="${PANEL.width}" height="${PANEL.height}" fill="none" stroke="#333"/>`,
    `<text x="${left + PANEL.width / 2}" y="${bottom + 36}" text-anchor="middle">connections (log scale)</text>`,
    extra,
  );
  for (const { key, color } of SERIES) {
    const points = ramp(key)
      .map((s) => ({ s, v: value(s) }))
      .filter(({ v }) => v !== null && v > 0);
    const xy = points.map(({ s, v }) => [round(xAt(left, s.connections)), round(yAt(v))]);
    if (xy.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${xy.map((p) => p.join(',')).join(' ')}"/>`,
      );
    points.forEach(({ s }, i) => {
      parts.push(
        `<circle cx="${xy[i][0]}" cy="${xy[i][1]}" r="4.5" fill="${s.failed ? 'white' : color}" stroke="${color}" stroke-width="2">` +
          `<title>${esc(`${key} c=${s.connections}: ${Math.round(s.okRps)} 2xx/s, p99 ${s.p99} ms, ${s.non2xx} non-2xx, ${s.answeredConnections} connections answered`)}</title></circle>`,
      );
    });
  }
  return parts.join('\n');
}

const all = SERIES.flatMap(({ key }) => ramp(key));
const rpsMax = niceMax(Math.max(...all.map((s) => s.okRps)) * 1.05);
const rpsStep = rpsMax / 5;
const rpsTicks = Array.from({ length: 6 }, (_, i) => Math.round(i * rpsStep));
const p99s = all.map((s) => s.p99).filter((v) => v > 0);
const yLogMin = Math.floor(log(Math.min(...p99s, 100)));
const yLogMax = Math.ceil(log(Math.max(...p99s, 100)));
const p99Ticks = Array.from({ length: yLogMax - yLogMin + 1 }, (_, i) => 10 ** (yLogMin + i));
const p99Y = (v) => (log(v) - yLogMin) / (yLogMax - yLogMin);
const line100 = PANEL.top + PANEL.height - p99Y(100) * PANEL.height;

const legendY = H - 42;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Connections ramp: our server on one core</text>
<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(
  `${run.duration} s per step, ${runs.length > 1 ? `median of ${runs.length} runs` : '1 run'}; ${run.date.slice(0, 10)}, Node ${run.node}${run.checkout ? `, checkout ${run.checkout}` : ''}`,
)}</text>
${panel(
  LEFTS[0],
  'throughput (2xx answers per second)',
  rpsTicks,
  (v) => v / rpsMax,
  (s) => s.okRps,
)}
${panel(
  LEFTS[1],
  'p99 latency of 2xx answers (ms, log scale)',
  p99Ticks,
  p99Y,
  (s) => (s.okRps > 0 ? s.p99 : null),
  `<line x1="${LEFTS[1]}" x2="${LEFTS[1] + PANEL.width}" y1="${round(line100)}" y2="${round(line100)}" stroke="#c00" stroke-dasharray="5,4"/>` +
    `<text x="${LEFTS[1] + PANEL.width - 4}" y="${round(line100) - 5}" text-anchor="end" fill="#c00">100 ms</text>`,
)}
${SERIES.map(
  ({ label, color }, i) =>
    `<line x1="${80 + i * 260}" x2="${108 + i * 260}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>` +
    `<circle cx="${94 + i * 260}" cy="${legendY}" r="4.5" fill="${color}"/>` +
    `<text x="${116 + i * 260}" y="${legendY + 4}">${esc(label)}</text>`,
).join('\n')}
<circle cx="${94 + 2 * 260}" cy="${legendY}" r="4.5" fill="white" stroke="#555" stroke-width="2"/>
<text x="${116 + 2 * 260}" y="${legendY + 4}">hollow: a step with errors, timeouts,</text>
<text x="${116 + 2 * 260}" y="${legendY + 20}">non-2xx, or connections never answered</text>
</svg>
`;
await writeFile(values.out, svg);
console.log(`wrote ${values.out} from ${files.join(', ')}\n`);
const [get, post] = SERIES.map(({ key }) => new Map(ramp(key).map((p) => [p.connections, p])));
const cells = (p) =>
  p
    ? [Math.round(p.okRps), p.p50, p.p99, p.non2xx, `${p.answeredConnections}`, Math.round(p.rssEndMB)]
    : ['', '', '', '', '', ''];
const head = ['2xx/s', 'p50 ms', 'p99 ms', 'non-2xx', 'connections answered', 'RSS MB'];
console.log(
  `| connections | ${head.map((h) => `GET ${h}`).join(' | ')} | ${head.map((h) => `POST ${h}`).join(' | ')} |`,
);
console.log(`|${'---|'.repeat(1 + 2 * head.length)}`);
for (const c of connections)
  console.log(`| ${c} | ${[...cells(get.get(c)), ...cells(post.get(c))].join(' | ')} |`);

/** Medians over the runs of one step of the size and stored ramps: "2xx/s, p50 / p99 ms". */
const stepOf = (section, series, key, value) => {
  const steps = runs.flatMap((r) =>
    r.steps.filter((s) => s.section === section && s.series === series && s[key] === value),
  );
  if (steps.length === 0) return '';
  const med = (field) => median(steps.map((s) => s[field]));
  return `${Math.round(med('okRps'))} | ${med('p50')} / ${med('p99')}`;
};
console.log(
  '\n| text (characters) | POST 2xx/s | POST p50 / p99 ms | GET limit=50 2xx/s | GET p50 / p99 ms |\n|---|---|---|---|---|',
);
for (const size of [
  ...new Set(runs.flatMap((r) => r.steps.filter((s) => s.section === 'sizes').map((s) => s.size))),
]) {
  console.log(
    `| ${size} | ${stepOf('sizes', 'post', 'size', size)} | ${stepOf('sizes', 'get50', 'size', size)} |`,
  );
}
console.log(
  '\n| stored | GET limit=50 2xx/s | p50 / p99 ms | GET limit=1000 2xx/s | p50 / p99 ms |\n|---|---|---|---|---|',
);
for (const stored of [
  ...new Set(runs.flatMap((r) => r.steps.filter((s) => s.section === 'stored').map((s) => s.stored))),
]) {
  console.log(
    `| ${stored} | ${stepOf('stored', 'get50', 'stored', stored)} | ${stepOf('stored', 'get1000', 'stored', stored)} |`,
  );
}
