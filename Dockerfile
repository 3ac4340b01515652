# syntax=docker/dockerfile:1
# Chat server image: API and page in one process on port 3000. See docs/OPERATIONS.md.
#
#   docker build -t chat-server .
#   docker run -d --init -p 127.0.0.1:3000:3000 -v "$PWD/data:/data:ro" chat-server
#
# scripts/docker-steps.sh replays these steps without a Docker engine (CI): keep the two in step.
#
# Node 22 by default: Node 20 reached end of life in April 2026, and some dependencies (commander 15,
# nestjs-pino 5.2) declare node >= 22.12. `--build-arg NODE_VERSION=20` builds on the Node the CI machines run.
ARG NODE_VERSION=22

# ---- base: Node + npm 11 (the npm the lockfile is written with) -------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG NPM_VERSION=11
# No telemetry from packages' install hooks; none of the install scripts is needed (see --ignore-scripts below).
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
RUN npm install -g "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---- build: all dependencies, compile the backend (dist/) and the page (frontend/dist/) ---------------------------
FROM base AS build
# Manifests first, so that the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY frontend/package.json frontend/
# --ignore-scripts: bcrypt loads its bundled prebuilt binary (node-gyp-build) without its install hook, and the
# build tools need none; this is also what npm 11 does on the development machines.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build:server && npm run build:frontend

# ---- prod-deps: production dependencies of the server only ------------------------------------------------------
FROM base AS prod-deps
COPY package.json package-lock.json ./
# --workspaces=false: the page's own dependencies (React, ...) are bundled into frontend/dist and not needed here.
RUN npm ci --omit=dev --workspaces=false --ignore-scripts && npm cache clean --force

# ---- runtime ----------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    USERS_FILE=/data/users.json
WORKDIR /app
# Everything owned by root and read-only to the server's user; package.json carries "type": "module".
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/frontend/dist ./frontend/dist
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs
# /data holds users.json: mount a host folder there (a folder, not the file, so that edits that replace the file
# are seen). The server only reads it; the user "node" (uid 1000) must be able to.
RUN mkdir -p /data /db && chown node:node /data /db
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
CMD ["node", "dist/main.js"]
