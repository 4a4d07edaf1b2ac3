#!/usr/bin/env bash
# `npm start`: installs what is missing (apt: redis-server, zookeeper; npm deps), builds the web app,
# then starts Redis, ZooKeeper, route and two gateways on loopback. REDIS_URL / ZK_CONNECT use existing ones.
# `npm start -- --cluster` (or CIM_LAYOUT=cluster) starts a Redis Cluster (3 masters, 3 replicas) and a
# ZooKeeper ensemble of 3 instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# The flags first: a bad one stopped only after the installs and the web app's build. Exit 10: --help was answered.
node scripts/start-flags.mjs "$@" || { status=$?; [ "$status" -eq 10 ] && exit 0; exit "$status"; }
# npm start already running in this checkout: straight to start.ts, which says where and stops. Building the web app
# first emptied apps/web/dist under the running route (its page and assets answered 404 meanwhile).
holder=$(cat "${CIM_RUN_DIR:-.run}/start.pid" 2>/dev/null || true)
if [ -n "$holder" ] && tr '\0' ' ' < "/proc/$holder/cmdline" 2>/dev/null | grep -q 'scripts/start.ts'; then
  exec node --import tsx scripts/start.ts "$@"
fi
parts=()
[ -n "${REDIS_URL:-}" ] || parts+=(redis)
[ -n "${ZK_CONNECT:-}" ] || parts+=(zookeeper)
if [ ${#parts[@]} -gt 0 ]; then bash scripts/ensure-system.sh "${parts[@]}"; fi
bash scripts/ensure-npm.sh
if [ -f apps/web/package.json ] && grep -q '"build"' apps/web/package.json; then npm run build -w @cim/web; fi
exec node --import tsx scripts/start.ts "$@"
