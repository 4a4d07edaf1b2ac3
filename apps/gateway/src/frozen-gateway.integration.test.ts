// A gateway that stops answering without closing its sockets (SIGSTOP: a frozen process, a host that hangs, a
// partition): its SDK clients give up on it after three heartbeats and move to another gateway, while it is
// still frozen, and get there what was sent to them meanwhile.
import { afterAll, beforeAll, expect, it } from "vitest";
import { newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  // A short heartbeat: the clients declare the link dead after 3 × 300 ms without a frame.
  cluster = await startCluster({ gateways: 2, gatewayEnv: { CIM_HEARTBEAT_MS: "300" } });
});
afterAll(async () => {
  for (const client of clients) client.close();
  for (const gateway of cluster?.gateways ?? []) gateway.process.child.kill("SIGCONT");
  await cluster?.stop();
});

/** A user whose session is on gateway `id` (route picks the gateway; a login elsewhere is closed and retried). */
async function userOn(id: string, name: string): Promise<RecordingClient> {
  for (;;) {
    const client = await newUser(cluster.route.url, name);
    clients.push(client);
    if (client.gateway!.id === id) return client;
    client.close();
  }
}

it("SDK clients of a frozen gateway move to another one while it is still frozen, and get what was sent meanwhile", { timeout: 60_000 }, async () => {
  const ann = await userOn("gw-a", "ann");
  const bob = await userOn("gw-b", "bob");
  const frozen = cluster.gateways[0]!.process.child;
  frozen.kill("SIGSTOP");
  try {
    const sent = bob.send({ to: ann.session!.userId, text: "while gw-a is frozen" });
    // Before the fix the SDK closed the dead socket and then waited for the frozen gateway's close handshake
    // (30 s in ws, up to a minute in browsers) before reconnecting: "online" all that time, and nothing arrived.
    await waitUntil(() => ann.state === "online" && ann.gateway!.id === "gw-b", 20_000, "ann to move to gw-b while gw-a is frozen");
    expect(ann.states).toContain("reconnecting");
    await sent;
    await ann.waitForText("while gw-a is frozen", 10_000);
    const reply = await ann.send({ to: bob.session!.userId, text: "from gw-b" });
    expect(reply.msgId).not.toBe("");
    await bob.waitForText("from gw-b", 10_000);
  } finally {
    frozen.kill("SIGCONT");
  }
});
