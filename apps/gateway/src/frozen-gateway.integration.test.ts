// A gateway that stops answering without closing its sockets (SIGSTOP: a frozen process, a host that hangs, a
// partition): its SDK clients give up on it after three heartbeats and move to another gateway, while it is
// still frozen, and get there what was sent to them meanwhile.
import { afterAll, beforeAll, expect, it } from "vitest";
import { RouteApi } from "@cim/client";
import { deviceOn, newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";
import type { Read } from "@cim/protocol";
import { channels, createRedis, SessionStore, type ClusterMessage } from "@cim/state";
import { rawDevice, registerUser, type RawDevice } from "./test-support.js";

let cluster: Cluster;
const clients: RecordingClient[] = [];
const devices: RawDevice[] = [];

beforeAll(async () => {
  // A short heartbeat: the clients declare the link dead after 3 × 300 ms without a frame.
  cluster = await startCluster({ gateways: 2, gatewayEnv: { CIM_HEARTBEAT_MS: "300" } });
});
afterAll(async () => {
  for (const client of clients) client.close();
  for (const device of devices) device.ws.close();
  for (const gateway of cluster?.gateways ?? []) gateway.process.child.kill("SIGCONT");
  await cluster?.stop();
});

/** A user whose session is on gateway `id` (route picks the gateway; a login elsewhere is closed and retried). */
async function userOn(id: string, name: string, options: { readTimeoutMs?: number } = {}): Promise<RecordingClient> {
  for (;;) {
    const client = await newUser(cluster.route.url, name, options);
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

it("a conversation read on a device whose gateway froze counts as read once the device moved: its other device and unread agree", { timeout: 60_000 }, async () => {
  // The Read is given up unconfirmed (200 ms) before the client drops the frozen link (3 × 300 ms heartbeats), as
  // with the defaults (3 s against 45 s).
  const annOnA = await userOn("gw-a", "ann", { readTimeoutMs: 200 });
  const annOnB = await deviceOn(cluster.route.url, annOnA.session!.userName, "cim-test-pass-1", "gw-b");
  const bob = await userOn("gw-b", "bob");
  clients.push(annOnB);
  const annId = annOnA.session!.userId;
  const bobId = bob.session!.userId;
  const echoes: Read[] = [];
  annOnB.onRead((read) => echoes.push(read));
  await bob.send({ to: annId, text: "read me on gw-a" });
  const message = await annOnA.waitForText("read me on gw-a");
  await annOnB.waitForText("read me on gw-a");
  const frozen = cluster.gateways[0]!.process.child;
  frozen.kill("SIGSTOP");
  try {
    annOnA.markRead(bobId, message.msgId);
    await waitUntil(() => annOnA.state === "online" && annOnA.gateway!.id === "gw-b", 20_000, "ann's first device to move to gw-b");
    // Before the fix the given-up Read was never sent again: her other device kept it unread, and so did route.
    await waitUntil(() => echoes.some((r) => r.conversation === bobId && r.msgId === message.msgId), 10_000, "ann's other device to get her read position");
    expect((await annOnB.conversations()).find((c) => c.conversation === bobId)?.unread).toBe(0);
  } finally {
    frozen.kill("SIGCONT");
  }
});

it("a Delivered receipt written to a gateway that froze reaches the sender once the device moved", { timeout: 60_000 }, async () => {
  // The receipt is forgotten 200 ms after it was written, before the client drops the frozen link (3 × 300 ms).
  const ann = await userOn("gw-a", "ann", { readTimeoutMs: 200 });
  const bob = await userOn("gw-b", "bob");
  const annId = ann.session!.userId;
  const receipts: string[] = [];
  bob.onDelivered((d) => d.by === annId && receipts.push(d.msgId));
  const frozen = cluster.gateways[0]!.process.child;
  // Frozen as the message reaches ann: her receipt goes to a gateway that no longer reads.
  ann.onMessage((m) => m.text === "deliver me" && frozen.kill("SIGSTOP"));
  try {
    const { msgId } = await bob.send({ to: annId, text: "deliver me" });
    await ann.waitForText("deliver me");
    await waitUntil(() => ann.state === "online" && ann.gateway!.id === "gw-b", 20_000, "ann to move to gw-b");
    // Before the fix the receipt was forgotten unconfirmed: bob's message stayed "sent", not "delivered".
    await waitUntil(() => receipts.includes(msgId), 10_000, "bob to get ann's Delivered receipt");
  } finally {
    frozen.kill("SIGCONT");
  }
});

it("a gateway frozen past its ZooKeeper session delivers, once it runs again, what was sent to its sessions while route had released them", { timeout: 60_000 }, async () => {
  const api = new RouteApi(cluster.route.url);
  const ann = await registerUser(cluster.route.url, "ann");
  const bob = await registerUser(cluster.route.url, "bob");
  const gwA = cluster.gateways[0]!;
  const annOnA = await rawDevice(`${gwA.url.replace(/^http/, "ws")}/ws`, ann.token);
  devices.push(annOnA);
  const releases = () => cluster.route.process.output().split("released the users of a gone gateway").length;
  const releasedBefore = releases();

  gwA.process.child.kill("SIGSTOP");
  try {
    // Route sees gw-a's node expire and releases its users: ann counts as offline, nothing wakes gw-a for her.
    await waitUntil(() => releases() > releasedBefore, 30_000, "route to release gw-a's users");
    await api.sendMessage(bob.token, { to: ann.userId, text: "while gw-a was out of ZooKeeper" });
  } finally {
    gwA.process.child.kill("SIGCONT");
  }
  // Before the fix ann's live session got it only with the next message sent to her (here: never).
  await waitUntil(() => annOnA.messages().some((m) => m.text === "while gw-a was out of ZooKeeper"), 20_000, "ann to get the message on gw-a");
});

it("a release by route that lands after the gateway claimed its sessions again is undone by route's reclaim request", { timeout: 60_000 }, async () => {
  const redis = createRedis(cluster.redis.address, "test");
  try {
    const api = new RouteApi(cluster.route.url);
    const ann = await registerUser(cluster.route.url, "ann");
    const bob = await registerUser(cluster.route.url, "bob");
    const annOnA = await rawDevice(`${cluster.gateways[0]!.url.replace(/^http/, "ws")}/ws`, ann.token);
    devices.push(annOnA);
    // Route's release of gw-a running late, after gw-a had registered again and claimed its sessions.
    const store = new SessionStore(redis);
    expect(await store.releaseGateway("gw-a")).toContain(ann.userId);
    await api.sendMessage(bob.token, { to: ann.userId, text: "after the late release" });
    expect(await store.gatewaysOf(ann.userId)).toEqual([]);

    // What route now sends once its release is done and it sees the gateway listed again.
    const reclaim: ClusterMessage = { type: "reclaim" };
    await redis.publish(channels.gateway("gw-a"), JSON.stringify(reclaim));
    // Before the fix gw-a did not know the message: ann stayed released (offline, no wake-ups) and missed it.
    await waitUntil(() => annOnA.messages().some((m) => m.text === "after the late release"), 20_000, "ann to get the message");
    expect(await store.gatewaysOf(ann.userId)).toEqual(["gw-a"]);
  } finally {
    redis.disconnect();
  }
});
