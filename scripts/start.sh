#!/usr/bin/env bash
# `npm start`: installs what is missing (apt: redis-server, zookeeper; npm deps), builds the web app,
# then starts Redis, ZooKeeper, route and two gateways on loopback. REDIS_URL / ZK_CONNECT use existing ones.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=()
[ -n "${REDIS_URL:-}" ] || parts+=(redis)
[ -n "${ZK_CONNECT:-}" ] || parts+=(zookeeper)
if [ ${#parts[@]} -gt 0 ]; then bash scripts/ensure-system.sh "${parts[@]}"; fi
bash scripts/ensure-npm.sh
if [ -f apps/web/package.json ] && grep -q '"build"' apps/web/package.json; then npm run build -w @cim/web; fi
exec node --import tsx scripts/start.ts "$@"
