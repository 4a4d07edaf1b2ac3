// On a Redis Cluster, a master restarted on a large AOF (here `--key-load-delay`, a debugging option, makes a small
// one load for seconds) answers LOADING while it loads: a Send whose conversation lies on it is answered
// `unavailable` and route's request 503 at once, as on a single node (redis-loading-answers.integration.test.ts),
// not when the load ends (the cluster client has no command timeout); the resends are stored once, in order.
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CimApiError, RouteApi } from "@cim/client";
import { ping, startCluster, waitUntil, type Cluster, type ClusterNode } from "@cim/devstack";
import { conv } from "@cim/state";
import { freshDevice, type RawDevice } from "./test-support.js";

const FILLER_KEYS = 20_000;
/** Microseconds per key loaded: FILLER_KEYS of them take about 10 s. */
const KEY_LOAD_DELAY_US = 500;

let cluster: Cluster;
let api: RouteApi;
const devices: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({ layout: "cluster", gateways: 1 });
  api = new RouteApi(cluster.route.url);
}, 120_000);
afterAll(async () => {
  for (const device of devices) device.ws.close();
  await cluster?.stop();
});

const stillLoading = (node: ClusterNode) => ping(node.port, "PING\r\n", "-LOADING");

/** Fills `node` with keys of a slot of its own and rewrites its AOF, so a restart loads them. */
async function fill(node: ClusterNode): Promise<void> {
  let tag = "filler-0";
  for (let i = 1; (await cluster.redisCluster!.masterOf(tag)) !== node; i++) tag = `filler-${i}`;
  const admin = new IORedis(node.port, "127.0.0.1");
  try {
    for (let i = 0; i < FILLER_KEYS; i += 1_000) {
      const batch = admin.pipeline();
      for (let j = i; j < i + 1_000; j++) batch.set(`{${tag}}:${j}`, "0123456789");
      await batch.exec();
    }
    await admin.bgrewriteaof();
    await waitUntil(async () => /aof_rewrite_in_progress:0\r\n[\s\S]*aof_rewrite_scheduled:0\r\n/.test(await admin.info("persistence")), 30_000, "the AOF rewrite");
  } finally {
    admin.disconnect();
  }
}

describe("a Redis Cluster master loading its data under running apps", () => {
  it("a Send to a conversation on it is answered unavailable and an HTTP send 503 while it loads; the resends are stored once, in order", { timeout: 120_000 }, async () => {
    const ann = await freshDevice(cluster.route.url, "ann");
    const bob = await freshDevice(cluster.route.url, "bob");
    devices.push(ann.device, bob.device);
    await ann.device.say({ clientMsgId: "before", to: bob.userId, text: "before the restart" });
    const master = await cluster.redisCluster!.masterOf(conv.messages(conv.ofPair(ann.userId, bob.userId)));
    await fill(master);

    await master.stop("SIGKILL");
    await master.restart(["--key-load-delay", String(KEY_LOAD_DELAY_US), "--loading-process-events-interval-bytes", "1024"]);
    expect(await stillLoading(master)).toBe(true);

    const ws = { clientMsgId: "during-ws", to: bob.userId, text: "sent while a master loads" };
    const http = { clientMsgId: "during-http", to: bob.userId, text: "sent over HTTP while a master loads" };
    const [wsAnswer, httpAnswer] = await Promise.all([
      ann.device.say(ws).then(() => "ack", (error: Error) => error.message),
      api.sendMessage(ann.token, http).then(() => 0, (error: CimApiError) => [error.status, error.code] as const),
    ]);
    expect([wsAnswer, httpAnswer]).toEqual(["unavailable", [503, "unavailable"]]);
    // Answered while the master still loads and still holds the conversation's slot (its replica did not take over):
    // before, both waited for the end of the load, then were stored.
    expect(await stillLoading(master)).toBe(true);
    expect(await cluster.redisCluster!.masterOf(conv.messages(conv.ofPair(ann.userId, bob.userId)))).toBe(master);

    // As the SDK does after `unavailable`: the same clientMsgIds again until stored.
    await waitUntil(async () => !!(await ann.device.say(ws).catch(() => "")), 60_000, "the Send's resend to be acknowledged");
    await waitUntil(async () => !!(await api.sendMessage(ann.token, http).then((r) => r.msgId, () => "")), 30_000, "the HTTP resend to be stored");
    await waitUntil(() => bob.device.messages().some((m) => m.text === http.text), 30_000, "bob to get both");
    const { messages } = await api.history(ann.token, { with: bob.userId, limit: 10 });
    expect(messages.map((m) => m.text)).toEqual(["before the restart", ws.text, http.text]);
    expect(bob.device.messages().filter((m) => m.text === ws.text || m.text === http.text).map((m) => m.text)).toEqual([ws.text, http.text]);
  });
});
