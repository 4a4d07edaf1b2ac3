// What a new developer sees when a system part is missing (no redis-server, no Java for ZooKeeper) and a test or
// `npm start` with REDIS_URL / ZK_CONNECT unset needs it: one line naming what to install, at once. Before, a missing
// java was a 30 s wait ending in "timed out waiting for ZooKeeper", and redis-server setpriv's "failed to execute".
import { spawn } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { removeDir } from "./services.js";

// A PATH holding node alone: redis-server, redis-cli and java are "not installed".
const bin = mkdtempSync(join(tmpdir(), "cim-bin-"));
symlinkSync(process.execPath, join(bin, "node"));
afterAll(() => removeDir(bin));

/** Runs `start` (a devstack function) in a process with that PATH: what it printed. */
function startWithout(start: string): Promise<string> {
  const code = `const devstack = await import("@cim/devstack"); try { const s = await devstack.${start}(); console.log("started"); await s.dispose(); } catch (error) { console.log(error.message); }`;
  return run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], REPO_ROOT, { PATH: bin });
}

/** Everything a command printed, stdout and stderr. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", () => resolve(output));
  });
}

describe("a system part that is not installed", () => {
  it("redis-server: one line naming the package and the way around it", { timeout: 60_000 }, async () => {
    expect(await startWithout("startRedis")).toBe(
      "redis-server not found on PATH: install redis-server (sudo apt-get install -y redis-server, or bash scripts/ensure-system.sh redis), or give npm start REDIS_URL of a running server\n",
    );
  });

  it("Java for ZooKeeper: the same at once, not a 30 s wait for a server that never started", { timeout: 60_000 }, async () => {
    expect(await startWithout("startZookeeper")).toBe(
      "java not found on PATH: install zookeeper (it brings a Java runtime) (sudo apt-get install -y zookeeper, or bash scripts/ensure-system.sh zookeeper), or give npm start ZK_CONNECT of a running server\n",
    );
  });

  it("the Redis Cluster layout says so too", { timeout: 60_000 }, async () => {
    expect(await startWithout("startRedisCluster")).toMatch(/^redis-server not found on PATH: install redis-server /);
  });

  it("Chromium for the e2e tests: one line before anything starts, not each test's launch failure", { timeout: 120_000 }, async () => {
    const output = await run(join(REPO_ROOT, "node_modules/.bin/playwright"), ["test", "-c", "playwright.config.ts", "tests/csp.spec.ts"], join(REPO_ROOT, "e2e"), { CIM_CHROMIUM: "/nonexistent/chromium" });
    expect(output).toContain("Error: Chromium not found at /nonexistent/chromium: sudo apt-get install -y chromium (or bash scripts/ensure-system.sh chromium), or set CIM_CHROMIUM to a Chromium binary\n");
    expect(output).not.toContain("browserType.launch");
  });
});
