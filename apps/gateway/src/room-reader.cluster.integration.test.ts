// The group's reader on a real Redis Cluster when the master of the group's slot is paused (SIGSTOP) past the node
// timeout with a store and then the reader's read queued for it: its replica takes over and stores a message, and
// the woken master answers both queued commands (it stored the one and read it back) before it learns it was
// demoted, then resyncs without it. The reader must not stand on that lost message, past the one the new master holds.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { decodeFrame, EVERYONE_ROOM } from "@cim/protocol";
import { startRedisCluster, waitUntil, type RedisCluster } from "@cim/devstack";
import { conv, createRedisClient, MessageStore, nodeOfKey, type Cluster } from "@cim/state";
import { createMetrics } from "./metrics.js";
import { RoomReader } from "./room-reader.js";
import type { Session } from "./session.js";

let cluster: RedisCluster;
let redis: Cluster;
const others: Cluster[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedisClient({ url: "", clusterNodes: cluster.nodes.map((n) => `${n.host}:${n.port}`) }, "room-reader-cluster-test") as Cluster;
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  for (const other of others) other.disconnect();
  await cluster?.dispose();
});

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();
const GROUP = conv.messages(conv.ofRoom(EVERYONE_ROOM));
const ATTEMPTS = 3;

/** A live session of another device, and the texts it was sent, in order. */
function device() {
  const texts: string[] = [];
  const session = {
    isOpen: true,
    user: { userId: "9", userName: "nine", sessionId: "s9" },
    sendBytes: (bytes: Uint8Array) => {
      const frame = decodeFrame(bytes);
      texts.push(...(frame.kind === "message" ? [frame.body] : frame.kind === "messageBatch" ? frame.body.messages : []).map((m) => m.text));
      return true;
    },
  } as unknown as Session;
  return { session, texts };
}

describe("RoomReader on a Redis Cluster", () => {
  it("a read answered by a master demoted on waking does not move the reader past what the new master stored", { timeout: 240_000 }, async () => {
    const store = new MessageStore(redis, { gatewayId: "gw-test" });
    const send = (s: MessageStore, text: string) => s.store({ clientMsgId: text, from: "1", fromName: "a", fromDevice: "d1", text });
    await send(store, "warm-up");
    const paths: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS && !paths.includes("demoted master"); attempt++) {
      await cluster.ready();
      const master = await cluster.masterOf(GROUP);
      let found: Awaited<ReturnType<RedisCluster["replicaOf"]>> | undefined;
      await waitUntil(async () => (found = await cluster.replicaOf(master).catch(() => undefined)) !== undefined, 20_000, "a live replica of the master");
      const replica = found!;
      const reader = new RoomReader(EVERYONE_ROOM, store, createMetrics(), pino({ level: "silent" }), () => false, undefined, true);
      await reader.start();
      const from = (await store.newest({ userId: "", conversation: EVERYONE_ROOM })) || "0";
      const { session, texts } = device();
      reader.join(session);
      master.signal("SIGSTOP");
      let storing: ReturnType<typeof send>;
      try {
        // Queued for the paused master on one connection, in this order: a store, then the reader's read.
        storing = send(store, `lost-${attempt}`);
        reader.wake();
        await cli(replica.port, "CLUSTER", "FAILOVER", "TAKEOVER");
        await waitUntil(async () => (await replica.role()) === "master", 30_000, "the replica to take over");
        // A client that knows only the new master stores a message on it while the old one sleeps.
        const fresh = createRedisClient({ url: "", clusterNodes: [`127.0.0.1:${replica.port}`] }, "room-reader-cluster-test-2") as Cluster;
        others.push(fresh);
        const stored = await send(new MessageStore(fresh, { gatewayId: "gw-test-2" }), `new-${attempt}`);
        if ("error" in stored) throw new Error(`store refused: ${stored.error}`);
      } finally {
        master.signal("SIGCONT");
      }
      const queued = await storing;
      if ("error" in queued) throw new Error(`store refused: ${queued.error}`);
      await waitUntil(async () => {
        await redis.xlen(GROUP).catch(() => undefined);
        return nodeOfKey(redis, GROUP)?.options.port === replica.port;
      }, 30_000, "ioredis to map the group's slot to the new master");
      await waitUntil(async () => (await master.role()) === "slave", 30_000, "the old master to rejoin as a replica");
      const after = await send(store, `after-${attempt}`);
      if ("error" in after) throw new Error(`store refused: ${after.error}`);
      reader.wake();
      const history = (await store.readRoom(EVERYONE_ROOM, from, 100)).map((entry) => entry.message.text);
      await waitUntil(async () => !reader.busy && texts.includes(`after-${attempt}`), 30_000, "the reader to send the message stored after the failover");
      paths.push(history.includes(`lost-${attempt}`) ? "new master" : "demoted master");
      // What the device got of the group's stream is the stream since it joined: each once, in order.
      expect({ attempt, got: texts.filter((text) => history.includes(text)) }).toEqual({ attempt, got: history });
      reader.leave(session);
    }
    console.log(`room-reader cluster test: the queued store and read were taken by ${paths.join(", ")}`);
    expect(paths).toContain("demoted master");
  });
});
