// Delivery guarantees on real parts: offline messages, recovery after reconnect, trimmed streams,
// slow readers, and ZooKeeper restarts and session expiry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RouteApi } from "@cim/client";
import { encodeFrame } from "@cim/protocol";
import { newUser, RecordingClient, startCluster, TEST_ADMIN_TOKEN, waitUntil, type Cluster } from "@cim/devstack";

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 2,
    gatewayEnv: { CIM_STREAM_MAXLEN: "100", CIM_MAX_BUFFERED_BYTES: "65536", CIM_RATE_PER_SEC: "2000", CIM_RATE_BURST: "2000" },
    routeEnv: { CIM_STREAM_MAXLEN: "100" },
  });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

async function user(name: string): Promise<RecordingClient> {
  const client = await newUser(cluster.route.url, name);
  clients.push(client);
  return client;
}

describe("offline messages", () => {
  it("a user offline during 100 private messages receives all 100, in order, at login; the sender sees them delivered", async () => {
    const sender = await user("sender");
    const away = await user("away");
    const { userName } = away.session!;
    const awayId = away.session!.userId;
    away.close();
    await waitUntil(async () => !(await sender.online()).some((u) => u.userId === awayId), 10_000, "away to be offline");
    const receipts = new Set<string>();
    sender.onDelivered((d) => receipts.add(d.msgId));
    const acks = [];
    for (let i = 0; i < 100; i++) acks.push(await sender.send({ to: awayId, text: `offline ${i}` }));
    expect(receipts.size).toBe(0);

    const back = new RecordingClient(cluster.route.url);
    clients.push(back);
    await back.logIn(userName, "cim-test-pass-1");
    await waitUntil(() => back.messages.length >= 100, 10_000, "100 offline messages");
    expect(back.texts()).toEqual(acks.map((_, i) => `offline ${i}`));
    expect(back.messages.map((m) => m.msgId)).toEqual(acks.map((a) => a.msgId));
    await waitUntil(() => receipts.size === 100, 10_000, "100 delivered receipts");

    // Acknowledged: a later login does not get them again.
    back.close();
    const again = new RecordingClient(cluster.route.url);
    clients.push(again);
    await again.logIn(userName, "cim-test-pass-1");
    await sender.send({ to: awayId, text: "fresh one" });
    await again.waitForText("fresh one");
    expect(again.texts()).toEqual(["fresh one"]);
  });
});

describe("recovery", () => {
  it("after a reconnect the client gets exactly what it missed in the group, in order", async () => {
    const talker = await user("talker");
    const listener = await user("listener");
    await talker.send({ text: "before 1" });
    await listener.waitForText("before 1");
    const cursors = listener.cursors;
    const name = listener.session!.userName;
    listener.close();
    for (let i = 0; i < 20; i++) await talker.send({ text: `missed ${i}` });
    const resumed = new RecordingClient(cluster.route.url);
    clients.push(resumed);
    resumed.cursors = cursors;
    await resumed.logIn(name, "cim-test-pass-1");
    await talker.send({ text: "live after" });
    await resumed.waitForText("live after").catch((error: Error) => {
      // Says what the client did see, for a failure that only shows under load.
      throw new Error(`${error.message}; received ${JSON.stringify(resumed.texts())}, states ${resumed.states.join(">")}, gateway ${resumed.gateway?.id}`);
    });
    expect(resumed.texts()).toEqual([...Array.from({ length: 20 }, (_, i) => `missed ${i}`), "live after"]);
  });

  it("when the stream was trimmed past the client's point it is told to load history", async () => {
    const talker = await user("trimmer");
    const listener = await user("sleeper");
    await talker.send({ text: "seen" });
    await listener.waitForText("seen");
    const cursors = listener.cursors;
    const name = listener.session!.userName;
    listener.close();
    for (let i = 0; i < 350; i++) await talker.send({ text: `flood ${i}` });
    const resumed = new RecordingClient(cluster.route.url);
    clients.push(resumed);
    const gaps: string[] = [];
    resumed.onGap((g) => gaps.push(g.message));
    resumed.cursors = cursors;
    await resumed.logIn(name, "cim-test-pass-1");
    await waitUntil(() => gaps.length > 0, 10_000, "a history_trimmed notice");
    expect(gaps[0]).toMatch(/trimmed/);
    const page = await resumed.history({ limit: 5 });
    expect(page.map((m) => m.text)).toEqual(["flood 345", "flood 346", "flood 347", "flood 348", "flood 349"]);
  });
});

describe("ZooKeeper faults", () => {
  const api = () => new RouteApi(cluster.route.url);
  const live = async () => (await api().adminStats(TEST_ADMIN_TOKEN)).gateways.map((g) => g.id).sort();

  it("survives a ZooKeeper restart and a gateway's session expiry: the gateway re-registers and gets logins", async () => {
    const stayer = await user("zk-stayer");
    await cluster.zookeeper.stop("SIGTERM");
    await cluster.zookeeper.restart();
    await waitUntil(async () => (await live()).join() === "gw-a,gw-b", 30_000, "both gateways listed after the restart");

    // Expire gw-a's session: freeze it longer than the session timeout (4 s), then let it go on.
    const gwA = cluster.gateways[0]!;
    gwA.process.child.kill("SIGSTOP");
    await waitUntil(async () => (await live()).join() === "gw-b", 30_000, "gw-a's node to expire").catch((error: Error) => {
      throw new Error(`${error.message}; live: ${cluster.route.process.output().split("\n").filter((l) => /ZooKeeper|gateways changed/.test(l)).slice(-8).join("\n")}`);
    });
    gwA.process.child.kill("SIGCONT");
    await waitUntil(async () => (await live()).join() === "gw-a,gw-b", 30_000, "gw-a to re-register");
    expect(gwA.process.output()).toMatch(/ZooKeeper expired/);

    const name = `zk-${Date.now()}`;
    await api().register(name, "cim-test-pass-1");
    // Route hands gw-a out again once its health probe (every 3 s) finds it answering after the freeze.
    const gateways = new Set<string>();
    await waitUntil(async () => gateways.add((await api().login(name, "cim-test-pass-1")).gateway.id).size === 2, 10_000, "logins on both gateways");
    expect(gateways).toEqual(new Set(["gw-a", "gw-b"]));

    // Sessions that lived through the expiry are routed again.
    const probe = await user("zk-probe");
    await probe.send({ to: stayer.session!.userId, text: "after expiry" });
    await stayer.waitForText("after expiry", 15_000);
  });
});

describe("backpressure", () => {
  // Its own cluster with the default retention: a reader cut off under load must recover everything.
  let bp: Cluster;
  beforeAll(async () => {
    bp = await startCluster({ gateways: 1, gatewayEnv: { CIM_MAX_BUFFERED_BYTES: "65536", CIM_RATE_PER_SEC: "2000", CIM_RATE_BURST: "2000" } });
  });
  afterAll(async () => {
    await bp?.stop();
  });

  it("a client that stops reading is cut off at the bound while the others keep receiving", async () => {
    // 1,500 sends in flight at once: more than the SDK's default bound of unacknowledged messages.
    const flooder = await newUser(bp.route.url, "flooder", { maxUnacknowledged: 2_000 });
    const reader = await newUser(bp.route.url, "reader");
    clients.push(flooder, reader);
    const api = new RouteApi(bp.route.url);
    const slowName = `slow-${Date.now()}`;
    await api.register(slowName, "cim-test-pass-1");
    const login = await api.login(slowName, "cim-test-pass-1");
    const slow = new WebSocket(login.gateway.wsUrl);
    await new Promise((resolve) => slow.once("open", resolve));
    slow.send(encodeFrame({ kind: "login", body: { token: login.token } }));
    await new Promise((resolve) => slow.once("message", resolve));
    const closed = new Promise<number>((resolve) => slow.on("close", (code) => resolve(code)));
    slow.pause(); // stop reading: the kernel buffers fill, then the gateway's send buffer grows

    const text = "x".repeat(3_500);
    const sends = [];
    for (let i = 0; i < 1_500; i++) sends.push(flooder.send({ text: `${i} ${text}` }));
    await Promise.all(sends);
    await reader.waitForText(`1499 ${text}`, 30_000);
    expect(reader.messages.filter((m) => m.from === flooder.session!.userId)).toHaveLength(1_500);
    await waitUntil(() => bp.gateways[0]!.process.output().includes("closing slow consumer"), 10_000, "the slow consumer to be cut off");
    slow.resume();
    // The close frame (4429) is queued behind the unread data; a peer that never drains it is terminated (1006).
    expect([4429, 1006]).toContain(await closed);
  });
});

describe("Redis restart", () => {
  it("route and gateways report it in /healthz and their logs, reconnect, and keep delivering", async () => {
    const ann = await user("redis-ann");
    const bob = await user("redis-bob");
    const health = async (url: string) => (await fetch(`${url}/healthz`)).status;
    await cluster.redis.stop("SIGTERM");
    const redisState = async () => ((await (await fetch(`${cluster.gateways[0]!.url}/healthz`)).json()) as { redis: string }).redis;
    await waitUntil(async () => (await redisState()) !== "ready" && (await health(cluster.gateways[0]!.url)) === 503 && (await health(cluster.route.url)) === 503, 15_000, "/healthz to report Redis down");
    await cluster.redis.restart();
    await waitUntil(async () => (await health(cluster.gateways[0]!.url)) === 200 && (await health(cluster.route.url)) === 200, 20_000, "/healthz to recover");
    expect(cluster.gateways[0]!.process.output()).toMatch(/Redis reconnecting/);
    // Logged once a PING sent after the re-subscription is answered: it may come just after /healthz says 200.
    await waitUntil(() => cluster.gateways[0]!.process.output().includes("bus resubscribed"), 10_000, "the gateway to log 'bus resubscribed'");
    expect(cluster.route.process.output()).toMatch(/Redis reconnecting/);
    await ann.send({ to: bob.session!.userId, text: "after the Redis restart" });
    await bob.waitForText("after the Redis restart");
  });
});
