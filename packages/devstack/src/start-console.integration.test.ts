// What `npm start` leaves on the console: its banner last, every process's lines in .run/logs, and the warnings and
// errors of route and the gateways still on the console (every JSON log line echoed buried the banner).
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { newUser } from "./clients.js";
import { spawnTracked, stopProcess, type Spawned } from "./processes.js";
import { removeDir, startRedis, startZookeeper, type Service } from "./services.js";

let redis: Service;
let zookeeper: Service;
let runDir: string;
let start: Spawned;
let routeUrl: string;

beforeAll(async () => {
  [redis, zookeeper] = await Promise.all([startRedis(), startZookeeper()]);
  runDir = mkdtempSync(join(tmpdir(), "cim-run-"));
  const port = await getPort({ host: "127.0.0.1" });
  routeUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CIM_RUN_DIR: runDir,
    PORT: String(port),
    REDIS_URL: redis.address,
    ZK_CONNECT: zookeeper.address,
  };
  delete env.CIM_DEVSTACK_ECHO;
  start = spawnTracked(process.execPath, ["--import", "tsx", "scripts/start.ts", "--gateways", "1"], { cwd: REPO_ROOT, env }, "start");
  await start.waitFor(/Press Ctrl-C to stop everything/, 90_000);
}, 120_000);
afterAll(async () => {
  if (start) await stopProcess(start, "SIGINT", 20_000);
  await redis?.stop();
  await zookeeper?.stop();
  if (runDir) removeDir(runDir);
});

const logOf = (name: string) =>
  existsSync(join(runDir, "logs", `${name}.log`)) ? readFileSync(join(runDir, "logs", `${name}.log`), "utf8") : "";

describe("npm start's console", () => {
  it("ends with the banner, which names the log files, while route and the gateway log to them", { timeout: 60_000 }, async () => {
    const ann = await newUser(routeUrl, "ann");
    try {
      await expect.poll(() => logOf("route"), { timeout: 15_000 }).toMatch(/"level":30.*listening/);
      expect(logOf("gw-a")).toMatch(/"level":30.*listening/);
      expect(start.output()).toContain(
        `logs           ${join(runDir, "logs", "route.log")}, gw-a.log and the others in ${join(runDir, "logs")}/`,
      );
      expect(start.output().trimEnd()).toMatch(/\nPress Ctrl-C to stop everything\.$/);
      expect(start.output()).not.toContain('"level":30');
    } finally {
      ann.close();
    }
  });

  it("still shows a warning of route's, under its name, when Redis goes away", { timeout: 60_000 }, async () => {
    await redis.stop();
    await start.waitFor(/\[route\] \{"level":40.*Redis/, 30_000);
    expect(logOf("route")).toMatch(/"level":40.*Redis/);
  });
});
