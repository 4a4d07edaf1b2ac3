// The devstack's servers never outlive the process that started them, also when it dies without cleaning up
// (SIGKILL; a terminal closed under `npm start`). They used to stay on their ports, and the next `npm start` moved to
// other ports beside them, with a second redis-server on the same data folder.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { spawnTracked } from "./processes.js";
import { ping, removeDir, waitUntil } from "./services.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

/** A parent that starts Redis and ZooKeeper in the given folders, prints their ports, and waits. */
const PARENT = `
import { startRedis, startZookeeper } from "@cim/devstack";
const [redisDir, zkDir] = process.argv.slice(-2);
const redis = await startRedis({ dir: redisDir });
const zookeeper = await startZookeeper({ dir: zkDir });
console.log("ports " + JSON.stringify({ redis: redis.port, zookeeper: zookeeper.port }));
setInterval(() => undefined, 60_000);
`;

describe("servers of a parent that dies", () => {
  it("Redis and ZooKeeper stop and free their ports when their parent is killed with SIGKILL", { timeout: 90_000 }, async () => {
    const redisDir = mkdtempSync(join(tmpdir(), "cim-orphan-redis-"));
    const zkDir = mkdtempSync(join(tmpdir(), "cim-orphan-zk-"));
    dirs.push(redisDir, zkDir);
    const parent = spawnTracked(process.execPath, ["--import", "tsx", "--input-type=module", "-e", PARENT, redisDir, zkDir], { cwd: REPO_ROOT }, "parent");
    const match = await parent.waitFor(/ports (\{.*\})/, 60_000);
    const ports = JSON.parse(match[1]!) as { redis: number; zookeeper: number };
    expect(await ping(ports.redis, "PING\r\n", "+PONG")).toBe(true);
    expect(await ping(ports.zookeeper, "ruok", "imok")).toBe(true);

    parent.child.kill("SIGKILL");
    await parent.exited;
    // Without the fix both kept answering until this wait gave up.
    await waitUntil(async () => !(await ping(ports.redis, "PING\r\n", "+PONG")) && !(await ping(ports.zookeeper, "ruok", "imok")), 30_000, "Redis and ZooKeeper to stop after their parent died");
  });
});
