// Route and a gateway started while Redis is still loading its data (it answers LOADING; a large AOF takes
// seconds to load, longer than the apps' Redis command timeout), or while it is down: both wait for it rather than
// exit, and serve once it serves. Redis is started with `--key-load-delay` (a debugging option) so that a small data set loads for
// seconds.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillAndRewriteAof, newUser, ping, RecordingClient, startCluster, waitUntil, type Cluster } from "@cim/devstack";

/** Short, so that loading (about 10 s) outlasts it several times over. */
const COMMAND_TIMEOUT_MS = 1_500;
const FILLER_KEYS = 20_000;
/** Microseconds per key loaded: FILLER_KEYS of them take about 10 s, so route starts well before the end. */
const KEY_LOAD_DELAY_US = 500;

/** How long Redis stays down once route and the gateway wait for it: several of their reconnect attempts. */
const OUTAGE_MS = 3_000;

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, env: { CIM_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) } });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

/** ZooKeeper's count of client connections (its `mntr` command). */
function zookeeperConnections(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write("mntr"));
    let reply = "";
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on("data", (chunk) => (reply += chunk.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(Number(/zk_num_alive_connections\s+(\d+)/.exec(reply)?.[1] ?? 0)));
  });
}

describe("Redis loading its data, or down, when route and a gateway start", () => {
  it("route and a gateway started while Redis answers LOADING wait for it, then log users in and deliver", { timeout: 90_000 }, async () => {
    const ann = await newUser(cluster.route.url, "ann");
    const bob = await newUser(cluster.route.url, "bob");
    clients.push(ann, bob);
    await fillAndRewriteAof(cluster.redis.address, FILLER_KEYS);

    await Promise.all([cluster.route.stop("SIGKILL"), cluster.gateways[0]!.stop("SIGKILL"), cluster.redis.stop("SIGKILL")]);
    // Redis answers clients while loading only between chunks of this many bytes (2 MB by default: the whole file).
    await cluster.redis.restart(["--key-load-delay", String(KEY_LOAD_DELAY_US), "--loading-process-events-interval-bytes", "1024"]);
    // The premise: Redis refuses commands while it loads.
    expect(await ping(cluster.redis.port, "PING\r\n", "-LOADING")).toBe(true);

    // Before the fix route exited ("route failed to start": its first command timed out while Redis loaded).
    const [route, gateway] = await Promise.all([cluster.restartRoute(), cluster.startGateway("gw-a")]);
    cluster.gateways[0] = gateway;
    expect([route.process.child.exitCode, gateway.process.child.exitCode]).toEqual([null, null]);
    expect(route.process.output()).toContain("waiting for Redis");

    // The SDK clients, whose gateway and route went away, come back and deliver.
    await waitUntil(() => ann.state === "online" && bob.state === "online", 30_000, "both clients to be online again");
    const { msgId } = await ann.send({ to: bob.session!.userId, text: "after loading" });
    await bob.waitForText("after loading");
    expect(bob.messages.filter((m) => m.msgId === msgId)).toHaveLength(1);
  });

  it("route and a gateway started while Redis is down wait for it, then log users in and deliver", { timeout: 90_000 }, async () => {
    const ann = await newUser(cluster.route.url, "ann");
    const bob = await newUser(cluster.route.url, "bob");
    clients.push(ann, bob);
    await Promise.all([cluster.route.stop("SIGKILL"), cluster.gateways[0]!.stop("SIGKILL"), cluster.redis.stop("SIGKILL")]);
    const started = Promise.all([cluster.restartRoute(), cluster.startGateway("gw-a")]);
    // Both connect to ZooKeeper first, then wait for Redis; it stays down a few reconnect attempts longer (the
    // fault's length). Before the fix both exited at their first refused connection ("route failed to start",
    // "gateway failed to start": connect ECONNREFUSED), which ended their wait for Redis.
    await waitUntil(async () => (await zookeeperConnections(cluster.zookeeper.port)) >= 2, 30_000, "route and the gateway to connect to ZooKeeper");
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await cluster.redis.restart();
    const [route, gateway] = await started;
    cluster.gateways[0] = gateway;
    expect([route.process.child.exitCode, gateway.process.child.exitCode]).toEqual([null, null]);

    await waitUntil(() => ann.state === "online" && bob.state === "online", 30_000, "both clients to be online again");
    const { msgId } = await ann.send({ to: bob.session!.userId, text: "after the outage" });
    await bob.waitForText("after the outage");
    expect(bob.messages.filter((m) => m.msgId === msgId)).toHaveLength(1);
  });
});
