// One live gateway per GATEWAY_ID: a second process under a running gateway's id stops before it touches that
// gateway's users; a restart under the id of one that was killed still starts at once.
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCommand, newUser, REPO_ROOT, spawnTracked, startCluster, TEST_ADMIN_TOKEN, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

async function stats(): Promise<{ online: number; gateways: Array<{ id: string; wsUrl: string }> }> {
  const answer = await fetch(`${cluster.route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return (await answer.json()) as { online: number; gateways: Array<{ id: string; wsUrl: string }> };
}

describe("a gateway started under the id of one that runs", () => {
  it("says so in one line and exits 1; the running one keeps its users", { timeout: 90_000 }, async () => {
    const ann = await newUser(cluster.route.url, "ann");
    clients.push(ann);
    await expect.poll(async () => (await stats()).online, { timeout: 15_000 }).toBe(1);

    const port = await getPort({ host: "127.0.0.1" });
    const namesake = spawnTracked(process.execPath, appCommand("gateway", false), {
      cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "info", ...cluster.env, PORT: String(port), GATEWAY_ID: "gw-a", GATEWAY_WS_URL: `ws://127.0.0.1:${port}/ws` },
    }, "gw-a-namesake");
    try {
      const [said] = await namesake.waitFor(/is in use by a running gateway|"msg":"listening"/, 60_000);
      expect(said).toBe("is in use by a running gateway");
      expect(await namesake.exited).toBe(1);
      const failure = namesake.output().split("\n").filter((line) => line.includes("failed to start"));
      expect(failure).toHaveLength(1);
      expect(failure[0]).toContain(`GATEWAY_ID gw-a is in use by a running gateway (ws://127.0.0.1:${cluster.gateways[0]!.port}/ws): two gateways under one id release each other's users; give this one another GATEWAY_ID`);
    } finally {
      namesake.child.kill("SIGKILL");
      await namesake.exited;
    }
    // Before the guard the namesake's start released gw-a's users in Redis: ann was offline while still connected.
    expect((await stats()).online).toBe(1);
    expect((await stats()).gateways.map((g) => g.id)).toEqual(["gw-a"]);
  });

  it("a gateway killed and started again under its id, at once, starts", { timeout: 90_000 }, async () => {
    await cluster.gateways[0]!.stop("SIGKILL");
    // Its node is still in ZooKeeper (the session has not expired): nothing answers at its URL.
    cluster.gateways[0] = await cluster.startGateway("gw-a");
    expect(cluster.gateways[0].process.child.exitCode).toBeNull();
  });
});
