#!/usr/bin/env bash
# Upgrade the compose deployment with minimal downtime (docs/OPERATIONS.md, "Upgrades"):
#
#   git pull && deploy/upgrade.sh          # build the checked-out version and switch to it
#   deploy/upgrade.sh --rollback           # switch back to the image that served before the last upgrade
#
# 1. build the new image (the old one is kept as chat-server:previous),
# 2. start it as the idle colour (app-green while app-blue serves, or the other way round) and wait until healthy,
# 3. stop the serving colour: SIGTERM turns its health to 503, Caddy sends new requests to the new instance, the
#    old one ends its streams (clients reconnect through Caddy and resume) and exits within 10 s,
# 4. record the new colour in .env (COMPOSE_PROFILES), so that `docker compose up -d` starts that one.
#
# In memory mode the messages held by the old process are lost: the new one starts empty.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[[ -f .env ]] || { echo "upgrade: no .env: cp deploy/env.example .env and set CHAT_DOMAIN" >&2; exit 1; }
active="$(sed -n 's/^COMPOSE_PROFILES=//p' .env | tail -n 1)"
case "$active" in
  blue) next=green ;;
  green) next=blue ;;
  *) echo "upgrade: COMPOSE_PROFILES in .env must be blue or green, not '$active'" >&2; exit 1 ;;
esac
mode=build
case "${1:-}" in
  '') ;;
  --rollback) mode=rollback ;;
  *) echo "usage: deploy/upgrade.sh [--rollback]" >&2; exit 2 ;;
esac

say() { printf '[upgrade] %s\n' "$*"; }

if [[ $mode == build ]]; then
  if docker image inspect chat-server:local >/dev/null 2>&1; then docker tag chat-server:local chat-server:previous; fi
  say "building the new image"
  docker compose --profile "$next" build "app-$next"
else
  docker image inspect chat-server:previous >/dev/null 2>&1 || { echo "upgrade: no chat-server:previous image" >&2; exit 1; }
  docker tag chat-server:local chat-server:rolled-back
  docker tag chat-server:previous chat-server:local
  say "rolling back to the previous image (the replaced one is kept as chat-server:rolled-back)"
fi

say "starting app-$next beside app-$active"
docker compose --profile "$next" up -d --no-deps --no-build --force-recreate "app-$next"
container="$(docker compose --profile "$next" ps -q "app-$next")"
status=starting
for _ in $(seq 1 45); do
  status="$(docker inspect -f '{{.State.Health.Status}}' "$container")"
  [[ $status == healthy || $status == unhealthy ]] && break
  sleep 2
done
if [[ $status != healthy ]]; then
  say "app-$next is $status; app-$active keeps serving. Its last log lines:"
  docker compose --profile "$next" logs --tail 30 "app-$next" >&2 || true
  docker compose --profile "$next" rm -sf "app-$next" >/dev/null
  # Point chat-server:local back at what serves, so that a later `docker compose up -d` does not pick the failed one.
  if [[ $mode == build ]]; then docker tag chat-server:previous chat-server:local 2>/dev/null || true
  else docker tag chat-server:rolled-back chat-server:local; fi
  exit 1
fi
# Caddy checks health every 2 s: give it time to see the new instance before the old one goes.
sleep 4

say "stopping app-$active (SIGTERM; it drains and exits within 15 s)"
docker compose --profile "$active" stop "app-$active"
docker compose --profile "$active" rm -f "app-$active" >/dev/null
sed -i "s/^COMPOSE_PROFILES=.*/COMPOSE_PROFILES=$next/" .env
say "app-$next serves now (COMPOSE_PROFILES=$next in .env)"
