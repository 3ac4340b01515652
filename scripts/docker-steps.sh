#!/usr/bin/env bash
# Replays the Dockerfile's steps without a Docker engine (CI has none), to catch what only the image would show:
# a runtime dependency kept in devDependencies, a file the build needs but .dockerignore drops, a server that
# cannot run as an unprivileged user from a read-only install.
#
#   1. context: a copy of the repository minus the .dockerignore patterns (Docker's matching rules)
#   2. build stage: npm ci, npm run build:server, npm run build:frontend
#   3. prod-deps + runtime: a fresh folder with only what the final stage copies, npm ci --omit=dev there
#   4. run it as nobody, in a clean environment: the users CLI creates a user file, node dist/main.js starts, the
#      image's health probe (deploy/healthcheck.mjs) must pass within 30 s, GET / must be the page, the new user
#      must log in, /metrics must answer on METRICS_PORT (once the server has it), SIGTERM must end it with exit
#      code 0, and its output must not contain the password.
#
# Run as root (CI does) so that the server runs as nobody; as another user it runs as that user and says so.
# Uses the node and npm on PATH. Cleans up after itself; KEEP=1 keeps the work folder for a look.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
START=$SECONDS
CHECKS=0
SERVER_PID=

log() { printf '[docker-steps %3ds] %s\n' $((SECONDS - START)) "$*"; }
fail() { printf '[docker-steps] FAILED: %s\n' "$*" >&2; exit 1; }
pass() { CHECKS=$((CHECKS + 1)); log "ok: $*"; }
# Running, and not a zombie waiting to be reaped.
alive() { ps -o stat= -p "$1" 2>/dev/null | grep -qv '^Z'; }

umask 022
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chat-docker-steps.XXXXXX")"
chmod 755 "$WORK"
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]]; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  if [[ $rc -ne 0 && -f "$WORK/server.log" ]]; then
    echo '--- server output (last 40 lines) ---' >&2
    tail -n 40 "$WORK/server.log" >&2 || true
  fi
  if [[ "${KEEP:-}" == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $(id -u) -eq 0 ]]; then
  RUN_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  RUN_USER=nobody
else
  RUN_AS=()
  RUN_USER="$(id -un)"
  log "not root: the server runs as $RUN_USER, not as an unprivileged user of its own"
fi
log "node $(node --version), npm $(npm --version), work folder $WORK"

# ---- 1. the build context ------------------------------------------------------------------------------------
# Prints the files of ROOT that Docker would send, NUL-separated: a pattern is cleaned and relative to the root,
# `*` and `?` stay within a path segment, `**` spans segments, a path is excluded when it or one of its parent
# folders matches, the last matching line wins and `!` re-includes.
context_files() {
  node --input-type=module - "$ROOT" <<'EOF'
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';

const root = process.argv[2];
const ignoreFile = join(root, '.dockerignore');
const rules = (existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '')
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const negate = line.startsWith('!');
    const pattern = posix.normalize((negate ? line.slice(1).trim() : line).replace(/^\/+/, '')).replace(/\/+$/, '');
    return { negate, pattern, regex: toRegex(pattern) };
  });

function toRegex(pattern) {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += '[' + pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The path or one of its parent folders matches. */
function matches(rule, path) {
  const parts = path.split('/');
  for (let n = parts.length; n > 0; n--) if (rule.regex.test(parts.slice(0, n).join('/'))) return true;
  return false;
}

function excluded(path) {
  let out = false;
  for (const rule of rules) if (matches(rule, path)) out = !rule.negate;
  return out;
}

/** A re-include pattern might name something inside this excluded folder, so it must be walked. */
const mayReinclude = (dir) =>
  rules.some((r) => r.negate && (r.pattern.startsWith(`${dir}/`) || r.pattern.startsWith('*') || r.pattern.startsWith('?')));

const files = [];
(function walk(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    const skip = excluded(path);
    if (entry.isDirectory()) {
      if (!skip || mayReinclude(path)) walk(path);
    } else if (!skip) files.push(path);
  }
})('');
process.stdout.write(files.sort().map((f) => `${f}\0`).join(''));
EOF
}

CONTEXT="$WORK/context"
mkdir "$CONTEXT"
context_files > "$WORK/context.list"
tar -C "$ROOT" --null --no-recursion -T "$WORK/context.list" -cf - | tar -C "$CONTEXT" -xf -
log "context: $(tr -cd '\0' < "$WORK/context.list" | wc -c) files, $(du -sh "$CONTEXT" | cut -f1)"
for leaked in node_modules dist .git users.json test bench .env; do
  [[ ! -e "$CONTEXT/$leaked" ]] || fail "the build context contains $leaked: check .dockerignore"
done
for needed in package.json package-lock.json src/main.ts nest-cli.json tsconfig.json tsconfig.build.json \
  deploy/healthcheck.mjs; do
  [[ -e "$CONTEXT/$needed" ]] || fail "the build context lacks $needed: check .dockerignore"
done
pass "build context has the sources and none of node_modules, dist, .git, users.json, tests, .env"

# ---- 2. build stage --------------------------------------------------------------------------------------------
export SCARF_ANALYTICS=false NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
cd "$CONTEXT"
log "build stage: npm ci"
npm ci --ignore-scripts --loglevel=error > "$WORK/npm-ci.log" 2>&1 || { tail -n 30 "$WORK/npm-ci.log" >&2; fail "npm ci"; }
log "build stage: npm run build:server"
npm run -s build:server > "$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; fail "npm run build:server"; }
[[ -f dist/main.js ]] || fail "npm run build:server made no dist/main.js"
if [[ -f frontend/package.json ]]; then
  log "build stage: npm run build:frontend"
  npm run -s build:frontend > "$WORK/build-frontend.log" 2>&1 || { tail -n 30 "$WORK/build-frontend.log" >&2; fail "npm run build:frontend"; }
  [[ -f frontend/dist/index.html ]] || fail "npm run build:frontend made no frontend/dist/index.html"
  PAGE=1
else
  log "no frontend/package.json: the page is not built and GET / is not checked"
  PAGE=0
fi
pass "build stage: backend and page built"

# ---- 3. prod-deps and runtime stages ---------------------------------------------------------------------------
APP="$WORK/app"
mkdir "$APP"
cp package.json package-lock.json "$APP/"
cd "$APP"
log "prod-deps stage: npm ci --omit=dev --workspaces=false"
npm ci --omit=dev --workspaces=false --ignore-scripts --loglevel=error > "$WORK/npm-ci-prod.log" 2>&1 ||
  { tail -n 30 "$WORK/npm-ci-prod.log" >&2; fail "npm ci --omit=dev"; }
cp -R "$CONTEXT/dist" "$APP/dist"
mkdir -p "$APP/deploy" "$APP/frontend"
cp "$CONTEXT/deploy/healthcheck.mjs" "$APP/deploy/"
[[ $PAGE == 0 ]] || cp -R "$CONTEXT/frontend/dist" "$APP/frontend/dist"
for dev in @nestjs/cli typescript-eslint jest react; do
  [[ ! -e "node_modules/$dev" ]] || fail "node_modules/$dev is in the production install"
done
pass "production install: $(ls node_modules | wc -l) top-level packages, $(du -sh node_modules | cut -f1), no dev or page packages"

# The server's data folder, writable only by its user, like the /data mount.
DATA="$WORK/data"
mkdir -m 700 "$DATA"
[[ $RUN_USER == "$(id -un)" ]] || chown nobody:nogroup "$DATA"

# Two free loopback ports, held together while chosen so that they differ.
read -r PORT METRICS_PORT < <(node -e '
const net = require("net");
const listen = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => ok(s)); });
Promise.all([listen(), listen()]).then((ss) => { console.log(ss.map((s) => s.address().port).join(" ")); ss.forEach((s) => s.close()); });')
# The container's environment: nothing from this shell leaks in.
RUN_ENV=(env -i "PATH=$(dirname "$(command -v node)"):/usr/bin:/bin" HOME=/nonexistent NODE_ENV=production
  HOST=127.0.0.1 "PORT=$PORT" "USERS_FILE=$DATA/users.json" "METRICS_PORT=$METRICS_PORT" METRICS_HOST=127.0.0.1
  LOG_LEVEL=info)
as_server() { "${RUN_AS[@]}" "${RUN_ENV[@]}" "$@"; }

# ---- 4. run it -------------------------------------------------------------------------------------------------
# The users CLI from the production install, as the operations guide tells (docker run ... node dist/auth/users.cli.js).
PASSWORD="docker-steps-$RANDOM-$RANDOM"
as_server sh -c 'umask 077 && printf "{\"users\": []}\n" > "$USERS_FILE"'
printf '%s\n' "$PASSWORD" | as_server node dist/auth/users.cli.js add operator --display-name "Operator" \
  --password-stdin --cost 10 > "$WORK/users-cli.log" 2>&1 || { cat "$WORK/users-cli.log" >&2; fail "users CLI add"; }
pass "users CLI (commander, bcrypt) runs from the production install as $RUN_USER"

log "starting node dist/main.js as $RUN_USER on 127.0.0.1:$PORT"
"${RUN_AS[@]}" "${RUN_ENV[@]}" node dist/main.js > "$WORK/server.log" 2>&1 &
SERVER_PID=$!

healthy=0
for _ in $(seq 1 60); do
  alive "$SERVER_PID" || fail "the server exited during start-up"
  if "${RUN_ENV[@]}" node deploy/healthcheck.mjs 2>/dev/null; then healthy=1; break; fi
  sleep 0.5
done
[[ $healthy == 1 ]] || fail "GET /api/health did not answer 200 within 30 s"
owner="$(ps -o user= -p "$SERVER_PID" | tr -d ' ')"
[[ $owner == "$RUN_USER" ]] || fail "the server runs as $owner, not $RUN_USER"
pass "GET /api/health answers 200 (the image's HEALTHCHECK probe) from a server running as $owner"

# Plain requests with node's fetch: no curl needed.
fetch_check() {
  node --input-type=module - "$@" <<'EOF'
const [url, expectStatus, expectType, expectBody, auth] = process.argv.slice(2);
const headers = auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {};
const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
const body = await res.text();
const type = res.headers.get('content-type') ?? '';
const problems = [];
if (String(res.status) !== expectStatus) problems.push(`status ${res.status}, expected ${expectStatus}`);
if (expectType && !type.startsWith(expectType)) problems.push(`content-type "${type}", expected ${expectType}`);
if (expectBody && !body.includes(expectBody)) problems.push(`body lacks ${JSON.stringify(expectBody)}`);
if (problems.length) {
  console.error(`${url}: ${problems.join('; ')}\n${body.slice(0, 300)}`);
  process.exit(1);
}
EOF
}
BASE="http://127.0.0.1:$PORT"
if [[ $PAGE == 1 ]]; then
  fetch_check "$BASE/" 200 text/html '<div id="root"' || fail "GET / is not the page"
  pass "GET / answers 200 with the page's HTML"
fi
fetch_check "$BASE/api/me" 200 application/json '"username":"operator"' "operator:$PASSWORD" ||
  fail "the user made by the users CLI cannot log in"
pass "GET /api/me as the new user answers 200 (bcrypt verifies at run time)"
if grep -q METRICS_PORT dist/config/env.schema.js 2>/dev/null; then
  fetch_check "http://127.0.0.1:$METRICS_PORT/metrics" 200 text/plain '# TYPE' || fail "GET /metrics on METRICS_PORT"
  pass "GET /metrics on METRICS_PORT answers 200 with Prometheus text"
fi

log "SIGTERM"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 150); do alive "$SERVER_PID" || break; sleep 0.1; done
! alive "$SERVER_PID" || fail "the server still runs 15 s after SIGTERM"
rc=0
wait "$SERVER_PID" || rc=$?
SERVER_PID=
[[ $rc == 0 ]] || fail "the server exited with $rc after SIGTERM, expected 0"
pass "SIGTERM: the server exits 0 within 15 s"

BASIC="$(printf '%s' "operator:$PASSWORD" | base64 -w0)"
if grep -qF -e "$PASSWORD" -e "$BASIC" "$WORK/server.log"; then fail "the server's output contains the password"; fi
pass "the server's output ($(wc -l < "$WORK/server.log") lines) contains no password"

log "all $CHECKS checks passed in $((SECONDS - START)) s"
