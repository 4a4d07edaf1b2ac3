// The operator's commands around `npm start`, where they went wrong: `npm run gateway`
// run twice with the hint npm start prints started a second gateway under a live one's id (which released that one's
// users as it started), and a gateway that could not start ended in the devstack's stack trace.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./apps.js";
import { newUser, type RecordingClient } from "./clients.js";
import { startCluster, TEST_ADMIN_TOKEN, type Cluster } from "./cluster.js";
import { spawnTracked, stopProcess } from "./processes.js";
import { removeDir } from "./services.js";

let cluster: Cluster;
let runDir: string;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
  // What npm start writes to .run/stack.json, for this cluster.
  runDir = mkdtempSync(join(tmpdir(), "cim-run-"));
  writeFileSync(join(runDir, "stack.json"), JSON.stringify({ env: cluster.env, routeUrl: cluster.route.url, gateways: [{ id: "gw-a", port: cluster.gateways[0]!.port }] }));
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
  if (runDir) removeDir(runDir);
});

function script(name: string, args: string[]) {
  return spawnTracked(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], { cwd: REPO_ROOT, env: { ...process.env, CIM_RUN_DIR: runDir } }, name);
}

const STACK_LINE = /^\s+at /m;

async function onlineCount(): Promise<number> {
  const answer = await fetch(`${cluster.route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return ((await answer.json()) as { online: number }).online;
}

describe("a second npm start in one checkout", () => {
  it("says where the first one runs and stops, exit 1, rather than start a second Redis on the first one's data", { timeout: 60_000 }, async () => {
    // The first npm start, as far as the second can tell: a live process of scripts/start.ts in start.pid.
    const first = spawnTracked(process.execPath, ["-e", "setInterval(() => undefined, 60_000)", "scripts/start.ts"], { cwd: REPO_ROOT }, "first");
    writeFileSync(join(runDir, "start.pid"), `${first.child.pid}\n`);
    const second = script("start", []);
    try {
      const [said] = await second.waitFor(/already runs|CIM is running/, 45_000);
      expect(said).toBe("already runs");
      expect(await second.exited).toBe(1);
      expect(second.output()).toBe(`npm start already runs in this checkout (pid ${first.child.pid}, ${cluster.route.url}/): use it, or stop it first (Ctrl-C in its terminal)\n`);
    } finally {
      await stopProcess(second, "SIGINT", 20_000);
      await stopProcess(first, "SIGKILL");
    }
  });

  it("through npm start's script: nothing is installed or built first (a build emptied the running route's web app)", { timeout: 120_000 }, async () => {
    const first = spawnTracked(process.execPath, ["-e", "setInterval(() => undefined, 60_000)", "scripts/start.ts"], { cwd: REPO_ROOT }, "first");
    writeFileSync(join(runDir, "start.pid"), `${first.child.pid}\n`);
    const second = spawnTracked("bash", ["scripts/start.sh"], { cwd: REPO_ROOT, env: { ...process.env, CIM_RUN_DIR: runDir } }, "start.sh");
    try {
      const [said] = await second.waitFor(/already runs|CIM is running/, 100_000);
      expect(said).toBe("already runs");
      expect(await second.exited).toBe(1);
      expect(second.output()).not.toContain("vite build");
    } finally {
      await stopProcess(second, "SIGINT", 20_000);
      await stopProcess(first, "SIGKILL");
    }
  });
});

describe("npm run gateway", () => {
  it("refuses the id of a gateway that runs, and its users stay online", { timeout: 60_000 }, async () => {
    const ann = await newUser(cluster.route.url, "ann");
    clients.push(ann);
    await expect.poll(onlineCount, { timeout: 15_000 }).toBe(1);
    const second = script("gateway", ["--id", "gw-a", "--port", String(await getPort({ host: "127.0.0.1" }))]);
    try {
      const [said] = await second.waitFor(/already running|joined/, 45_000);
      expect(said).toBe("already running");
      expect(await second.exited).toBe(2);
      expect(second.output()).toContain(`npm run gateway: a gateway gw-a is already running (ws://127.0.0.1:${cluster.gateways[0]!.port}/ws): pick another --id\n`);
      // The gateway's own line (give this one another GATEWAY_ID) came first, naming what this command sets itself.
      expect(second.output()).not.toContain("GATEWAY_ID");
    } finally {
      await stopProcess(second, "SIGINT");
    }
    expect(await onlineCount()).toBe(1);
  });

  it("joins with its log in the run folder's logs, beside npm start's processes'", { timeout: 60_000 }, async () => {
    const port = await getPort({ host: "127.0.0.1" });
    const gateway = script("gateway", ["--id", "gw-log", "--port", String(port)]);
    try {
      await gateway.waitFor(/ joined: /, 45_000);
      const logFile = join(runDir, "logs", "gw-log.log");
      expect(gateway.output()).toContain(`gw-log joined: ws://127.0.0.1:${port}/ws, its log ${logFile} `);
      // The gateway's own JSON lines, its start included, are in the file.
      expect(readFileSync(logFile, "utf8")).toMatch(/"gatewayId":"gw-log"/);
    } finally {
      await stopProcess(gateway, "SIGINT", 20_000);
    }
  });

  it("a port in use is said in its own terms (--port, not the gateway's PORT), exit 2, without a stack", { timeout: 60_000 }, async () => {
    const taken = cluster.gateways[0]!.port;
    const gateway = script("gateway", ["--id", "gw-z", "--port", String(taken)]);
    await gateway.waitFor(/pick another --port\n/, 30_000);
    expect(await gateway.exited).toBe(2);
    expect(gateway.output()).toBe(`npm run gateway: port ${taken} is in use by another process: pick another --port\n`);
    expect(gateway.output()).not.toMatch(STACK_LINE);
  });
});
