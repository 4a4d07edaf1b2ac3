#!/usr/bin/env bash
# `npm test`: installs what is missing, checks generated code and types, runs unit and integration tests
# (real redis-server and ZooKeeper on free ports), then the Playwright e2e tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh redis zookeeper chromium
bash scripts/ensure-npm.sh
echo "== generated protocol code is up to date"
npm run proto:check -w @cim/protocol
echo "== typecheck and lint (two at a time: each check is one process on one core, and none needs another's output)"
# Each half writes to its own log, shown when it ends, so the two outputs do not interleave.
mkdir -p .run
(npx tsc -b && npx tsc -p e2e/tsconfig.json --noEmit && npx tsc -p scripts/tsconfig.json) >.run/check-tsc.log 2>&1 &
tsc_pid=$!
(npm run check -w @cim/web && npx eslint .) >.run/check-lint.log 2>&1 &
lint_pid=$!
checks=0
wait $tsc_pid || checks=$?
cat .run/check-tsc.log
wait $lint_pid || checks=$?
cat .run/check-lint.log
[ $checks -eq 0 ] || exit $checks
echo "== server bundles (the test stacks run route and gateways from them with plain node, as production does)"
# Without tsx every process starts seconds sooner (about 3 s per stack of route and two gateways on 2 cores), and
# the suite starts dozens; a bundle built here is never stale. `npx vitest run FILE` alone still runs the sources.
node scripts/build-servers.mjs
export CIM_DEVSTACK_BUILT=1
echo "== unit and integration tests"
rm -f .run/vitest.json .run/vitest-flaky.json .run/playwright.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.run/vitest.json --reporter=./scripts/vitest-flaky-reporter.mjs || status=$?
if ls e2e/tests/*.spec.ts >/dev/null 2>&1; then
  echo "== end-to-end tests (Playwright, Chromium)"
  npx playwright test -c e2e/playwright.config.ts || status=$?
fi
node scripts/summary.mjs
exit $status
