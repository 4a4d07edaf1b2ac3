// kill -9 of a gateway: ZooKeeper drops it, route stops sending logins there, its users' state is cleaned
// up, and SDK clients reconnect to the survivor and keep chatting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Redis } from "ioredis";
import { RouteApi } from "@cim/client";
import { encodeFrame } from "@cim/protocol";
import { user as userKeys } from "@cim/state";
import { newUser, startCluster, TEST_ADMIN_TOKEN, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
let redis: Redis;
let api: RouteApi;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
  redis = new Redis(cluster.redis.address);
  api = new RouteApi(cluster.route.url);
});
afterAll(async () => {
  for (const client of clients) client.close();
  redis?.disconnect();
  await cluster?.stop();
});

async function user(name: string): Promise<RecordingClient> {
  const client = await newUser(cluster.route.url, name);
  clients.push(client);
  return client;
}

const liveGateways = async () => (await api.adminStats(TEST_ADMIN_TOKEN)).gateways.map((g) => g.id);

describe("a gateway killed with SIGKILL", () => {
  it("is dropped, its users move to the survivor and keep chatting, its state is cleaned up", async () => {
    const users = [await user("ann"), await user("bob"), await user("cat"), await user("dan")];
    const onA = users.filter((u) => u.gateway!.id === "gw-a");
    const onB = users.filter((u) => u.gateway!.id === "gw-b");
    expect(onA.length).toBeGreaterThan(0);
    expect(onB.length).toBeGreaterThan(0);
    const [moved, stayer] = [onA[0]!, onB[0]!];

    // A session that will not reconnect: its route and online entry must be cleaned up by the system.
    const ghostName = `ghost-${Date.now()}`;
    const { userId: ghostId } = await api.register(ghostName, "cim-test-pass-1");
    let ghostLogin = await api.login(ghostName, "cim-test-pass-1");
    while (ghostLogin.gateway.id !== "gw-a") ghostLogin = await api.login(ghostName, "cim-test-pass-1");
    stayer.subscribePresence([ghostId]);
    const ghost = new WebSocket(ghostLogin.gateway.wsUrl);
    await new Promise((resolve) => ghost.once("open", resolve));
    ghost.send(encodeFrame({ kind: "login", body: { token: ghostLogin.token } }));
    const gatewaysOf = async (userId: string) => Object.keys(await redis.hgetall(userKeys.gateways(userId)));
    await waitUntil(async () => (await gatewaysOf(ghostId)).join() === "gw-a", 5_000, "the ghost's session to be counted");
    ghost.on("error", () => undefined);
    const ghostPresence = () => stayer.presence.filter((p) => p.userId === ghostId).at(-1);
    await waitUntil(() => ghostPresence()?.online === true, 5_000, "the stayer to see the ghost online");

    const killedAt = Date.now();
    await cluster.gateways[0]!.stop("SIGKILL");

    await waitUntil(() => onA.every((u) => u.state === "online" && u.gateway!.id === "gw-b"), 20_000, "gw-a's users to reconnect to gw-b");
    expect(moved.states).toContain("reconnecting");

    await moved.send({ to: stayer.session!.userId, text: "after failover" });
    await stayer.waitForText("after failover");
    await stayer.send({ text: "group after failover" });
    for (const u of users.filter((x) => x !== stayer)) await u.waitForText("group after failover");

    await waitUntil(async () => !(await liveGateways()).includes("gw-a"), 30_000, "ZooKeeper to drop gw-a");
    for (let i = 0; i < 4; i++) expect((await api.login(users[i]!.session!.userName, "cim-test-pass-1")).gateway.id).toBe("gw-b");

    await waitUntil(async () => (await gatewaysOf(ghostId)).length === 0, 30_000, "the ghost's session to be released");
    const online = (await stayer.online()).map((u) => u.userId);
    expect(online).not.toContain(ghostId);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await waitUntil(() => ghostPresence()?.online === false, 5_000, "ghost offline presence");
    for (const u of users) expect(online).toContain(u.session!.userId);
  });

  it("comes back under the same id and gets logins again", async () => {
    cluster.gateways[0] = await cluster.startGateway("gw-a");
    await waitUntil(async () => (await liveGateways()).includes("gw-a"), 10_000, "gw-a to re-register");
    const ids = new Set<string>();
    const name = `eve-${Date.now()}`;
    await api.register(name, "cim-test-pass-1");
    for (let i = 0; i < 4; i++) ids.add((await api.login(name, "cim-test-pass-1")).gateway.id);
    expect(ids).toEqual(new Set(["gw-a", "gw-b"]));
  });

  it("SIGTERM: the gateway deregisters at once, closes its sockets with 1001, and its users move", async () => {
    const mover = await user("mover");
    const other = await user("other");
    const leavingId = mover.gateway!.id;
    const leaving = cluster.gateways[leavingId === "gw-a" ? 0 : 1]!;

    const rawName = `raw-${Date.now()}`;
    const { userId: rawId } = await api.register(rawName, "cim-test-pass-1");
    let rawLogin = await api.login(rawName, "cim-test-pass-1");
    while (rawLogin.gateway.id !== leavingId) rawLogin = await api.login(rawName, "cim-test-pass-1");
    const raw = new WebSocket(rawLogin.gateway.wsUrl);
    const closed = new Promise<number>((resolve) => raw.on("close", (code) => resolve(code)));
    await new Promise((resolve) => raw.once("open", resolve));
    raw.send(encodeFrame({ kind: "login", body: { token: rawLogin.token } }));
    const gatewaysOf = async (userId: string) => Object.keys(await redis.hgetall(userKeys.gateways(userId)));
    await waitUntil(async () => (await gatewaysOf(rawId)).join() === leavingId, 5_000, "the raw session to be counted");

    await leaving.stop("SIGTERM");
    expect(await closed).toBe(1001);
    // Its node is gone before it exits; route hears it through its ZooKeeper watch a moment later. Well within the
    // ZooKeeper session timeout (6 s), which would drop the node of a gateway that had not deregistered.
    await waitUntil(async () => !(await liveGateways()).includes(leavingId), 2_000, "route to see the gateway deregistered");
    expect(await gatewaysOf(rawId)).toEqual([]);
    await waitUntil(() => mover.state === "online" && mover.gateway!.id !== leavingId, 15_000, "the SDK user to move");
    await other.send({ to: mover.session!.userId, text: "after graceful stop" });
    await mover.waitForText("after graceful stop");
  });
});
