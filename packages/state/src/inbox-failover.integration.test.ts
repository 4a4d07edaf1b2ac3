// A user's inbox through a master failover on a real Redis Cluster that loses the master's last writes (replication
// is asynchronous): a device was shown an entry that the promoted replica never got, and its reading stands past it.
// A message whose conversation step came before that entry and whose inbox step is done after the failover (queued
// through it, or redone by a resend) must still land after the device's position, or no read from there finds it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisCluster, waitUntil, type RedisCluster } from "@cim/devstack";
import { InboxStore } from "./inbox.js";
import { user } from "./keys.js";
import { createRedisClient, waitForReplicasOf, type RedisClient } from "./redis.js";

let cluster: RedisCluster;
let redis: RedisClient;
beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedisClient({ url: "", clusterNodes: cluster.nodes.map((n) => `${n.host}:${n.port}`) }, "inbox-failover-test");
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await cluster?.dispose();
});

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();
const [READER, FIRST, SECOND, THIRD] = ["71", "72", "73", "74"] as const;
/** A msgId as a conversation's master gives it: its clock in microseconds (this machine's, as every node's here). */
const msgIdNow = () => String(Date.now() * 1000);
const message = (msgId: string, from: string, text: string) => ({ msgId, from, fromName: `user${from}`, to: READER, room: "", text, ts: Math.floor(Number(msgId) / 1000) });

describe("an inbox through a failover that lost the master's last writes", () => {
  it("a message whose inbox step is done after the failover reaches a device that was shown a lost entry", { timeout: 120_000 }, async () => {
    const inboxes = new InboxStore(redis, { maxLenPerStream: 1_000, maxAgeSeconds: 0 });
    const master = await cluster.masterOf(user.inbox(READER));
    const replica = await cluster.replicaOf(master);
    // An entry both nodes hold.
    await inboxes.append(READER, FIRST, message(msgIdNow(), FIRST, "held by both"), "");
    expect((await waitForReplicasOf(redis, [user.inbox(READER)], 1, 5_000)).replicas).toBe(1);
    // SECOND's message: its conversation step is done now (its msgId), its step in READER's inbox comes later.
    const queued = message(msgIdNow(), SECOND, "stored in the conversation before the lost entry");
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The replica stops hearing its master: what the master takes now no replica gets.
    replica.signal("SIGSTOP");
    let position = "";
    try {
      await cli(master.port, "CLIENT", "KILL", "TYPE", "replica");
      await inboxes.append(READER, THIRD, message(msgIdNow(), THIRD, "lost in the failover"), "");
      // The device reads it (a wake-up, or a read): its position is that entry.
      const shown = await inboxes.read(READER, "0", 100);
      expect(shown.at(-1)!.message.text).toBe("lost in the failover");
      position = shown.at(-1)!.position;
      await master.stop("SIGKILL");
    } finally {
      replica.signal("SIGCONT");
    }
    await cli(replica.port, "CLUSTER", "FAILOVER", "TAKEOVER");
    await waitUntil(async () => (await cluster.masterOf(user.inbox(READER))) === replica, 30_000, "the replica to serve the inbox");
    // The failover lost the entry the device was shown (else this test shows nothing).
    expect((await inboxes.read(READER, "0", 100)).map((e) => e.message.text)).toEqual(["held by both"]);
    // SECOND's inbox step now, on the promoted replica; then what the device reads after its position.
    await inboxes.append(READER, SECOND, queued, "");
    expect((await inboxes.read(READER, position, 100)).map((e) => e.message.text)).toEqual(["stored in the conversation before the lost entry"]);
  });
});
