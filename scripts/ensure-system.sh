#!/usr/bin/env bash
# Installs the system parts the project runs on (redis-server, ZooKeeper, Chromium) where they are missing.
# Usage: scripts/ensure-system.sh [redis] [zookeeper] [chromium]   (default: all three)
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(redis zookeeper chromium)
missing=()
for part in "${wanted[@]}"; do
  case "$part" in
    redis) command -v redis-server >/dev/null || missing+=(redis-server) ;;
    zookeeper) [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null || missing+=(zookeeper) ;;
    chromium) command -v chromium >/dev/null || missing+=(chromium) ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "missing: ${missing[*]}. Install them first, e.g.: sudo apt-get install -y ${missing[*]}" >&2
  echo "(or point REDIS_URL / ZK_CONNECT at running servers for npm start)" >&2
  exit 1
fi
echo "installing ${missing[*]} with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian's packages may start their own services; ours run on free ports, so stop theirs.
for svc in redis-server zookeeper; do service "$svc" stop >/dev/null 2>&1 || true; done
