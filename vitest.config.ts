import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

const INTEGRATION = ["{apps,packages}/*/src/**/*.integration.test.ts"];

// Integration files that kill, freeze or fail over processes against deadlines (ZooKeeper sessions, Redis Cluster
// node timeouts, link watches), or load both cores on their own (the fault scenarios): they run one at a time,
// after the rest, with the machine to themselves.
const SERIAL = [
  "apps/gateway/src/faults.integration.test.ts",
  "apps/gateway/src/faults-cluster.integration.test.ts",
  "apps/gateway/src/failover.integration.test.ts",
  "apps/gateway/src/frozen-gateway.integration.test.ts",
  "apps/gateway/src/replica-wait.cluster.integration.test.ts",
  "apps/gateway/src/room-reader.cluster.integration.test.ts",
  "apps/gateway/src/redis-loading-answers.cluster.integration.test.ts",
  "packages/state/src/link-watch.integration.test.ts",
  "packages/state/src/cluster-failover.integration.test.ts",
  "packages/state/src/inbox-failover.integration.test.ts",
  "packages/discovery/src/gateway-registration.integration.test.ts",
];

// A test that fails is run once more before it counts as failed: the integration tests wait on real processes
// against deadlines on a 2-core machine, where a stall of another job now and then outlasts one, and a unit test's
// deadline is its timeout. A test passed only on its retry is named on npm test's closing lines
// (scripts/vitest-flaky-reporter.mjs, scripts/summary.mjs), to be fixed like a failure.
const RETRY = 1;
// A unit test's timeout (vitest's default is 5 s). Some do real work in bulk: lint-config.test.ts loads the whole
// ESLint configuration with typescript-eslint (1.4 to 7.5 s over four runs beside the integration files; a CI ended
// on its 5 s timeout), the protocol fuzzers decode 10,000 frames (up to 3.5 s). A test that hangs still fails.
const UNIT_TIMEOUT_MS = 30_000;

// Unit tests and the other integration files run two files at a time (vitest's default on 2 cores is one): each
// integration file starts its own redis-server and ZooKeeper on free ports, and most of its time is spent waiting
// on them. Projects of one sequence.groupOrder run together and must share maxWorkers.
export default defineConfig({
  test: {
    projects: [
      {
        // The web app's *.svelte.ts classes (runes) compile as for the server: $state fields are plain fields there.
        plugins: [svelte({ configFile: "apps/web/svelte.config.js" })],
        test: {
          name: "unit",
          include: ["{apps,packages}/*/src/**/*.test.ts", "bench/src/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
          maxWorkers: 2,
          retry: RETRY,
          testTimeout: UNIT_TIMEOUT_MS,
          // The unit files share their workers' modules rather than import everything again, file by file: that
          // import was most of their time (72 files: 131 s of wall time with isolation on a loaded 2-core machine,
          // 13 s without, the same 364 tests passing, also with the files shuffled). They hold no state in modules
          // from file to file, and every fake timer is put back (afterEach or finally). The integration files stay
          // isolated: a *.cluster.integration.test.ts sets devstack's default layout for its own module instance.
          isolate: false,
        },
      },
      {
        test: {
          name: "integration",
          include: INTEGRATION,
          exclude: [...SERIAL, "**/node_modules/**"],
          maxWorkers: 2,
          retry: RETRY,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration-serial",
          include: SERIAL,
          fileParallelism: false,
          retry: RETRY,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
