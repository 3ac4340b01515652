// The reference: the same API (auth, POST/GET /api/messages, GET /api/stream, /api/me) on raw node:http, written for
// speed — verified credentials cached, each message serialized once, page responses cached until the store changes.
// REFERENCE_NAIVE=1 turns the response cache and the per-message JSON off (JSON.stringify of every page), for the
// GET limit=1000 comparison. Only bcrypt comes from node_modules, for the first check of each credential.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import bcrypt from 'bcrypt';

const PORT = Number(process.env.PORT ?? 3000);
const NAIVE = process.env.REFERENCE_NAIVE === '1';
const MAX_MESSAGES = 1000;
const TTL_MS = 3_600_000;
const MAX_FAILURES = 10;
const WINDOW_MS = 900_000;

const users = new Map(
  JSON.parse(readFileSync(process.env.USERS_FILE ?? 'users.json', 'utf8')).users.map((u) => [u.username, u]),
);
const verified = new Map(); // Authorization header -> username
const failures = new Map(); // key -> { count, endsAt }
const messages = []; // { message, json, at }
const byClientId = new Map();
const streams = new Set();
let lastId = 0;
let version = 0;
const pageCache = new Map();

function json(res, status, body, extra = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}
const error = (res, status, message, extra) => json(res, status, { statusCode: status, error: String(status), message }, extra);

function blockedFor(key, now) {
  const f = failures.get(key);
  if (!f || f.endsAt <= now) return 0;
  return f.count >= MAX_FAILURES ? f.endsAt - now : 0;
}
function fail(key, now) {
  const f = failures.get(key);
  if (!f || f.endsAt <= now) failures.set(key, { count: 1, endsAt: now + WINDOW_MS });
  else f.count++;
}

async function authenticate(req, res) {
  const header = req.headers.authorization;
  const cached = header && verified.get(header);
  const now = Date.now();
  const address = req.socket.remoteAddress;
  const decoded = header?.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : '';
  const colon = decoded.indexOf(':');
  const username = colon > 0 ? decoded.slice(0, colon) : '';
  const wait = Math.max(blockedFor(`u${username}`, now), blockedFor(`a${address}`, now));
  if (wait > 0) return void error(res, 429, 'Too many failed logins', { 'Retry-After': Math.ceil(wait / 1000) });
  if (cached) return cached;
  const user = users.get(username);
  if (colon > 0 && user && (await bcrypt.compare(decoded.slice(colon + 1), user.passwordHash))) {
    verified.set(header, username);
    return username;
  }
  fail(`u${username}`, now);
  fail(`a${address}`, now);
  error(res, 401, 'Invalid username or password', { 'WWW-Authenticate': 'Basic realm="chat"' });
}

function firstLive(now) {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid].at >= now - TTL_MS) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
function indexAfter(id) {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid].message.id > id) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function page(query) {
  const first = firstLive(Date.now());
  const limit = Number(query.get('limit') ?? 50);
  let start;
  let end;
  if (query.has('after')) {
    start = Math.max(first, indexAfter(Number(query.get('after'))));
    end = Math.min(messages.length, start + limit);
  } else {
    end = query.has('before') ? indexAfter(Number(query.get('before')) - 1) : messages.length;
    start = Math.max(first, end - limit);
    end = Math.max(start, end);
  }
  const slice = messages.slice(start, end);
  const hasOlder = start > first;
  const hasNewer = end < messages.length;
  if (NAIVE) return JSON.stringify({ messages: slice.map((m) => m.message), hasOlder, hasNewer });
  return `{"messages":[${slice.map((m) => m.json).join(',')}],"hasOlder":${hasOlder},"hasNewer":${hasNewer}}`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 16384) reject(new Error('too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

async function post(req, res, user) {
  if (!req.headers['content-type']?.startsWith('application/json')) return error(res, 415, 'JSON only');
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return error(res, 400, 'Request body is not valid JSON');
  }
  const { text, clientMsgId } = body ?? {};
  if (typeof text !== 'string' || !/\S/.test(text) || [...text].length > 4000) return error(res, 400, 'invalid text');
  const key = clientMsgId === undefined ? undefined : `${user}\n${clientMsgId}`;
  if (key && byClientId.has(key)) return json(res, 200, byClientId.get(key).json);
  const now = Date.now();
  lastId = Math.max(lastId + 1, now * 1000);
  const message = { id: lastId, user, text, createdAt: new Date(now).toISOString(), ...(key && { clientMsgId }) };
  const entry = { message, json: JSON.stringify(message), at: now };
  messages.push(entry);
  if (key) byClientId.set(key, entry);
  if (messages.length > MAX_MESSAGES) {
    const dropped = messages.shift();
    if (dropped.message.clientMsgId !== undefined) byClientId.delete(`${dropped.message.user}\n${dropped.message.clientMsgId}`);
  }
  version++;
  pageCache.clear();
  const text2 = `id: ${message.id}\nevent: message\ndata: ${entry.json}\n\n`;
  const chunk = Buffer.from(`${Buffer.byteLength(text2).toString(16)}\r\n${text2}\r\n`);
  for (const stream of streams) stream.socket.write(chunk);
  json(res, 201, entry.json);
}

function get(res, query) {
  if (NAIVE) return json(res, 200, page(query));
  const key = `${query}|${firstLive(Date.now())}`;
  let bytes = pageCache.get(key);
  if (!bytes) {
    bytes = Buffer.from(page(query));
    if (pageCache.size > 1000) pageCache.clear();
    pageCache.set(key, bytes);
  }
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length });
  res.end(bytes);
}

function stream(req, res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  const entry = { socket: res.socket };
  const hello = 'retry: 3000\n\n';
  res.socket.write(`${hello.length.toString(16)}\r\n${hello}\r\n`);
  streams.add(entry);
  res.on('close', () => streams.delete(entry));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/api/health') return json(res, 200, '{"status":"ok"}');
  const user = await authenticate(req, res);
  if (!user) return;
  if (url.pathname === '/api/me') return json(res, 200, { username: user, displayName: users.get(user).displayName });
  if (url.pathname === '/api/messages' && req.method === 'POST') return post(req, res, user);
  if (url.pathname === '/api/messages' && req.method === 'GET') return get(res, url.searchParams);
  if (url.pathname === '/api/stream') return stream(req, res);
  error(res, 404, 'Not found');
});
server.keepAliveTimeout = 5000;
server.listen(PORT, '127.0.0.1', () => console.log(`reference listening on ${PORT}${NAIVE ? ' (naive)' : ''}`));
process.on('SIGTERM', () => {
  for (const s of streams) s.socket.destroy();
  server.close(() => process.exit(0));
});
