// A second route or gateway started on a port another process holds (an operator's everyday mistake), or pointed at
// no ZooKeeper, says so in one line and exits 1. A taken port printed Node's "Unhandled 'error' event" with a stack,
// which named neither the port nor what to do; no ZooKeeper, a fatal line carrying the timeout's stack.
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCommand, REPO_ROOT, spawnTracked, startCluster, type Cluster } from "@cim/devstack";

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});

/** Runs an app to its exit: its exit code and every line it printed. */
async function runToExit(app: "route" | "gateway", env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const spawned = spawnTracked(process.execPath, appCommand(app, false), { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "info", ...cluster.env, ...env } }, `${app}-2`);
  const code = await spawned.exited;
  return { code, lines: spawned.output().split("\n").filter(Boolean) };
}

describe("an app started on a port in use", () => {
  it("route says which address is taken and what to set, in one line, and exits 1", { timeout: 60_000 }, async () => {
    const { code, lines } = await runToExit("route", { PORT: String(cluster.route.port) });
    expect(code).toBe(1);
    const failure = lines.filter((line) => line.includes("failed to start"));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toContain(`cannot listen on 127.0.0.1:${cluster.route.port}: the port is in use by another process (stop it, or set PORT) (EADDRINUSE)`);
    expect(lines.join("\n")).not.toMatch(/Unhandled 'error' event|\n\s+at /);
  });

  it("a gateway says the same, and exits 1", { timeout: 60_000 }, async () => {
    const port = cluster.gateways[0]!.port;
    const { code, lines } = await runToExit("gateway", { PORT: String(port), GATEWAY_ID: "gw-second", GATEWAY_WS_URL: `ws://127.0.0.1:${port}/ws` });
    expect(code).toBe(1);
    const failure = lines.filter((line) => line.includes("failed to start"));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use by another process (stop it, or set PORT) (EADDRINUSE)`);
    expect(lines.join("\n")).not.toMatch(/Unhandled 'error' event|\n\s+at /);
    // The gateway that holds the port goes on serving.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it("route pointed at no ZooKeeper says where it looked, in one line, and exits 1", { timeout: 60_000 }, async () => {
    const closed = await getPort({ host: "127.0.0.1" });
    const { code, lines } = await runToExit("route", { PORT: "0", ZK_CONNECT: `127.0.0.1:${closed}` });
    expect(code).toBe(1);
    const failure = lines.filter((line) => line.includes("failed to start"));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toContain(`ZooKeeper at 127.0.0.1:${closed}: no session within 15000 ms: is ZooKeeper running there? (ZK_CONNECT)`);
    expect(lines.join("\n")).not.toMatch(/\\n\s+at /);
  });
});
