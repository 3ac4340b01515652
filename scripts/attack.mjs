#!/usr/bin/env node
// Non-destructive security probes against a deployed chat server; prints a table attack -> result.
//
//   npm run attack -- --target https://chat.example.com --user alice --password 'secret'
//
// Nothing is stored: every probe that POSTs sends a body the API refuses even if the probed check were missing
// (empty or oversized text). The login-limiter probe runs last and locks the probing client address for
// LOGIN_WINDOW_SECONDS (15 min by default), and behind a proxy without TRUST_PROXY it locks the proxy's
// address: every user. Skip it with --no-limiter. See docs/SECURITY.md.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const USAGE = `usage: npm run attack -- --target URL --user U --password P [options]

  --target URL        the server, e.g. https://chat.example.com or http://127.0.0.1:3000
  --user U            a real account, for the probes that need one (never locked by the probes)
  --password P        its password
  --ca FILE           trust this CA/certificate too (a self-signed dev certificate)
  --guesses N         wrong passwords for the limiter probe, against a throwaway username (default 15)
  --idle-seconds N    how long to wait for the server to close an idle connection (default 15)
  --no-limiter        skip the login-limiter probe (it locks this address for LOGIN_WINDOW_SECONDS)
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    target: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    ca: { type: 'string' },
    guesses: { type: 'string', default: '15' },
    'idle-seconds': { type: 'string', default: '15' },
    'no-limiter': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help || !args.target || !args.user || args.password === undefined) {
  console.log(USAGE);
  process.exit(args.help ? 0 : 2);
}

const target = new URL(args.target);
const https = target.protocol === 'https:';
const ca = args.ca ? readFileSync(args.ca) : undefined;
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const auth = basic(args.user, args.password);
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/;

/** One request on a connection of its own; resolves with status, headers, body, or { error }. */
function send(path, { method = 'GET', headers = {}, body, timeoutMs = 10_000, url = target } = {}) {
  const full = new URL(path, url);
  const requestFn = full.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = requestFn(full, { method, headers, agent: false, ca, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', (error) => resolve({ error }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => resolve({ error }));
    req.end(body);
  });
}

const rows = [];
/** verdict: PASS (mitigated), WARN (check your setup), FAIL (attack works), INFO. */
function report(attack, expected, result, verdict) {
  rows.push({ attack, expected, result, verdict });
}
const statusOf = (res) => (res.error ? `error ${res.error.code ?? res.error.message}` : String(res.status));
const expectStatus = (attack, res, wanted, expected = String(wanted)) =>
  report(attack, expected, statusOf(res), res.status === wanted ? 'PASS' : 'FAIL');

function printTable() {
  const cols = ['attack', 'expected', 'result', 'verdict'];
  const width = Object.fromEntries(
    cols.map((c) => [c, Math.min(70, Math.max(c.length, ...rows.map((r) => String(r[c]).length)))]),
  );
  const line = (r) => cols.map((c) => String(r[c]).slice(0, width[c]).padEnd(width[c])).join(' | ');
  console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
  console.log(cols.map((c) => '-'.repeat(width[c])).join('-|-'));
  for (const row of rows) console.log(line(row));
}

/** Opens a connection that sends nothing; resolves with the seconds until the server closes it (or null). */
function idleConnection(limitSeconds) {
  const started = Date.now();
  const port = Number(target.port) || (https ? 443 : 80);
  return new Promise((resolve) => {
    const socket = https
      ? tlsConnect({
          host: target.hostname,
          port,
          servername: target.hostname,
          ca,
          rejectUnauthorized: false,
        })
      : netConnect({ host: target.hostname, port });
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ seconds: null, received });
    }, limitSeconds * 1000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ seconds: (Date.now() - started) / 1000, received });
    });
  });
}

async function probeTransport() {
  if (!https) {
    const onLoopback = LOOPBACK.test(target.hostname);
    report(
      'sniff passwords (Basic auth over plain HTTP)',
      'HTTPS',
      `plain HTTP on ${target.hostname}`,
      onLoopback ? 'INFO' : 'FAIL',
    );
    return;
  }
  const res = await send('/api/health');
  if (res.error) {
    report('impersonate the server (certificate)', 'trusted certificate', statusOf(res), 'FAIL');
    return false;
  }
  report('impersonate the server (certificate)', 'trusted certificate', 'verified', 'PASS');
  const hsts = res.headers['strict-transport-security'];
  const maxAge = Number(/max-age=(\d+)/.exec(hsts ?? '')?.[1] ?? 0);
  report(
    'SSL stripping (HSTS)',
    'Strict-Transport-Security, max-age >= 180 days',
    hsts ?? 'missing',
    maxAge >= 180 * 86400 ? 'PASS' : 'FAIL',
  );
  const cert = await new Promise((resolve) => {
    const port = Number(target.port) || 443;
    const socket = tlsConnect({ host: target.hostname, port, servername: target.hostname, ca }, () => {
      resolve({ protocol: socket.getProtocol(), validTo: socket.getPeerCertificate().valid_to });
      socket.end();
    });
    socket.on('error', (error) => resolve({ error }));
  });
  if (!cert.error) {
    const days = Math.floor((Date.parse(cert.validTo) - Date.now()) / 86_400_000);
    report('expired certificate', '>= 14 days left', `${days} days left`, days >= 14 ? 'PASS' : 'WARN');
    const modern = cert.protocol === 'TLSv1.3' || cert.protocol === 'TLSv1.2';
    report('downgrade (TLS version)', 'TLSv1.2 or TLSv1.3', cert.protocol, modern ? 'PASS' : 'FAIL');
  }
  if (!target.port || target.port === '443') {
    const plain = await send('/api/health', { url: new URL(`http://${target.host}/`), timeoutMs: 3000 });
    const redirected = [301, 308].includes(plain.status) && /^https:/.test(plain.headers?.location ?? '');
    report(
      'plain HTTP on port 80',
      'absent, or a redirect to https',
      plain.error ? `no listener (${plain.error.code})` : `${plain.status} ${plain.headers.location ?? ''}`,
      plain.error || redirected ? 'PASS' : 'WARN',
    );
  }
}

async function probeHeaders() {
  const page = await send('/');
  if (page.error) return report('page headers', 'an answer', statusOf(page), 'FAIL');
  const csp = page.headers['content-security-policy'] ?? '';
  const scriptSrc =
    /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? /(?:^|;)\s*default-src ([^;]*)/.exec(csp)?.[1];
  report(
    'XSS: inline script (CSP script-src)',
    "script-src without 'unsafe-inline'",
    scriptSrc ? `script-src ${scriptSrc}` : 'no CSP',
    scriptSrc && !/unsafe-inline|unsafe-eval|\*/.test(scriptSrc) ? 'PASS' : 'FAIL',
  );
  report(
    'clickjacking (frame-ancestors)',
    "frame-ancestors 'none'",
    /frame-ancestors 'none'/.test(csp) ? "frame-ancestors 'none'" : 'missing',
    /frame-ancestors 'none'/.test(csp) ? 'PASS' : 'FAIL',
  );
  const api = await send('/api/me', { headers: { Authorization: auth } });
  expectStatus('sanity: the given user logs in', api, 200);
  const nosniff = [page, api].every((r) => r.headers?.['x-content-type-options'] === 'nosniff');
  report(
    'MIME sniffing',
    'X-Content-Type-Options: nosniff',
    nosniff ? 'nosniff' : 'missing',
    nosniff ? 'PASS' : 'FAIL',
  );
  const powered = page.headers['x-powered-by'] ?? api.headers?.['x-powered-by'];
  report('fingerprinting (X-Powered-By)', 'absent', powered ?? 'absent', powered ? 'WARN' : 'PASS');
  const cookie = api.headers?.['set-cookie'];
  report(
    'CSRF (cookie session)',
    'no Set-Cookie',
    cookie ? 'Set-Cookie sent' : 'none',
    cookie ? 'FAIL' : 'PASS',
  );
}

async function probeCors() {
  const origin = 'https://attacker.invalid';
  const res = await send('/api/me', { headers: { Authorization: auth, Origin: origin } });
  const pre = await send('/api/messages', {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization',
    },
  });
  const allowed = [res, pre].map((r) => r.headers?.['access-control-allow-origin']).filter(Boolean);
  report(
    'cross-origin read (CORS)',
    'no Access-Control-Allow-Origin for a foreign origin',
    allowed.length ? `Access-Control-Allow-Origin: ${allowed[0]}` : 'none',
    allowed.length ? 'FAIL' : 'PASS',
  );
}

async function probeAuthParsing() {
  const me = (header) => send('/api/me', { headers: header ? { Authorization: header } : {} });
  const none = await me();
  expectStatus('no credentials', none, 401);
  expectStatus(
    '`user:password:junk` (split at the first colon)',
    await me(basic(args.user, `${args.password}:junk`)),
    401,
  );
  const malformed = await Promise.all(
    ['Basic !!!not-base64!!!', 'Basic', `Basic ${Buffer.from(args.user).toString('base64')}`, 'Bearer x'].map(
      me,
    ),
  );
  const statuses = malformed.map(statusOf);
  report(
    'malformed Authorization headers',
    '401 each',
    statuses.join(' '),
    statuses.every((s) => s === '401') ? 'PASS' : 'FAIL',
  );
}

async function probeSizesAndTypes() {
  const big = await send('/api/health', { headers: { 'X-Padding': 'a'.repeat(20 * 1024) } });
  report(
    'oversized header (20 KB)',
    '431',
    statusOf(big),
    big.status === 431 ? 'PASS' : big.status >= 400 && big.status < 500 ? 'WARN' : 'FAIL',
  );
  const post = (body, headers = {}) =>
    send('/api/messages', {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers },
      body,
    });
  // Every body below would be refused by validation anyway (empty or too long text): nothing can be stored.
  const tooLong = `{"text":"${'a'.repeat(1024 * 1024)}"}`;
  expectStatus('oversized body (1 MiB)', await post(tooLong), 413);
  const bomb = await post(gzipSync(tooLong), { 'Content-Encoding': 'gzip' });
  report(
    'gzip bomb (1 MiB in 1 KB, Content-Encoding: gzip)',
    '415 (or 413: inflated under the cap)',
    statusOf(bomb),
    bomb.status === 415 || bomb.status === 413 ? 'PASS' : 'FAIL',
  );
  expectStatus('text/plain body', await post('{"text":""}', { 'Content-Type': 'text/plain' }), 415);
  expectStatus('malformed JSON', await post('{"text": "'), 400);
  expectStatus(
    'deeply nested JSON (5000 levels)',
    await post(`{"text":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    400,
  );
  const polluted = await post('{"text":"","__proto__":{"isAdmin":true}}');
  report(
    'prototype pollution (__proto__ key)',
    '400 naming the key',
    `${statusOf(polluted)} ${polluted.body?.slice(0, 60) ?? ''}`,
    polluted.status === 400 && polluted.body.includes('__proto__') ? 'PASS' : 'WARN',
  );
}

async function probeLimiter() {
  const max = Number(args.guesses);
  const name = `probe-${randomUUID().slice(0, 8)}`;
  let failures = 0;
  let blocked;
  for (let i = 0; i < max && !blocked; i++) {
    const res = await send('/api/me', {
      headers: { Authorization: basic(name, `guess-${i}-${randomUUID()}`) },
    });
    if (res.status === 401) failures++;
    else if (res.status === 429) blocked = res;
    else return report('password guessing (login limiter)', '429 after the limit', statusOf(res), 'FAIL');
  }
  report(
    `password guessing (${max} guesses, throwaway user ${name})`,
    '429 + Retry-After after the limit',
    blocked
      ? `429 after ${failures} failures, Retry-After ${blocked.headers['retry-after']} s`
      : `${failures} x 401, never 429`,
    blocked && blocked.headers['retry-after'] ? 'PASS' : 'FAIL',
  );
  const sameAddress = await send('/api/me', { headers: { Authorization: auth } });
  report(
    'password spraying (same address, right password)',
    '429: the address is locked',
    statusOf(sameAddress),
    sameAddress.status === 429 ? 'PASS' : 'WARN',
  );
}

const reachable = await send('/api/health', { timeoutMs: 5000 });
if (reachable.error && !(https && /CERT|SELF_SIGNED/.test(reachable.error.code ?? ''))) {
  console.error(`Cannot reach ${target.origin}: ${reachable.error.code ?? reachable.error.message}`);
  process.exit(2);
}
const idle = idleConnection(Number(args['idle-seconds']));
if ((await probeTransport()) === false) {
  // Going on would send the password over a connection whose server is not verified.
  printTable();
  console.log(
    '\nThe certificate is not trusted: clients cannot tell this server from an impostor. Install a real',
  );
  console.log('certificate (docs/SECURITY.md), or pass --ca FILE for a self-signed development certificate.');
  process.exit(1);
}
await probeHeaders();
await probeCors();
await probeAuthParsing();
await probeSizesAndTypes();
const closed = await idle;
report(
  'slowloris (an idle connection)',
  `closed by the server within ${args['idle-seconds']} s`,
  closed.seconds === null
    ? 'still open'
    : `closed after ${closed.seconds.toFixed(1)} s ${closed.received.split('\r\n')[0]}`,
  closed.seconds === null ? 'WARN' : 'PASS',
);
if (!args['no-limiter']) await probeLimiter();

console.log(`\nSecurity probes against ${target.origin}\n`);
printTable();
const fails = rows.filter((r) => r.verdict === 'FAIL').length;
const warns = rows.filter((r) => r.verdict === 'WARN').length;
console.log(
  `\n${rows.length} probes: ${fails} FAIL, ${warns} WARN. See docs/SECURITY.md for what each means.`,
);
if (!args['no-limiter']) {
  console.log(
    'Note: the limiter probe has locked this client address out for LOGIN_WINDOW_SECONDS (default 15 min).',
  );
}
process.exit(fails > 0 ? 1 : 0);
