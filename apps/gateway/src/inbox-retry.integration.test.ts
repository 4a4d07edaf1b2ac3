// An inbox read that fails for want of Redis while the bus stays subscribed (a stalled Redis answering after the
// gateway's command timeout) is done again by the gateway's poll: the device gets the message without another one
// coming to wake its inbox, on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { channels, recordFields, user } from "@cim/state";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { rawUser, type RawUser } from "./test-support.js";

let cluster: Cluster;
let redis: Redis;
const users: RawUser[] = [];

beforeAll(async () => {
  // A short command timeout, so that a stall of 3 s fails the gateway's read (the bus' link check takes 10 s).
  cluster = await startCluster({ gateways: 1, gatewayEnv: { CIM_REDIS_COMMAND_TIMEOUT_MS: "500", CIM_REDIS_WAIT_TIMEOUT_MS: "100" } });
  redis = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const raw of users) raw.ws.close();
  redis?.disconnect();
  await cluster?.stop();
});

const failedReads = () => cluster.gateways[0]!.process.output().split("inbox delivery failed").length - 1;

describe("an inbox read that failed", () => {
  it("is done again by the poll: the device gets what the inbox holds without a later wake-up", { timeout: 60_000 }, async () => {
    const ann = await rawUser(cluster.route.url, "ann");
    const bob = await rawUser(cluster.route.url, "bob");
    users.push(ann, bob);
    ann.send({ kind: "send", body: { clientMsgId: "first", to: bob.userId, text: "first" } });
    await bob.waitFor("message", (m) => m.text === "first");

    // A message in bob's inbox whose own wake-up was lost (pub/sub is at-most-once), then a wake-up that makes the
    // gateway read bob's inbox just as Redis stalls (CLIENT PAUSE 3 s, right after the PUBLISH in the same pipeline).
    const msgId = String(BigInt(Date.now()) * 1000n);
    await redis.xadd(user.inbox(bob.userId), `${msgId}-0`, ...recordFields({ from: ann.userId, fromName: ann.userName, to: bob.userId, room: "", text: "its wake-up was lost", ts: Date.now(), msgId }, ""));
    const before = failedReads();
    await redis.pipeline().publish(channels.gateway("gw-a"), JSON.stringify({ type: "inbox", userId: bob.userId })).client("PAUSE", "3000", "ALL").exec();
    await waitUntil(() => failedReads() > before, 20_000, "the gateway's inbox read to fail during the stall");

    await bob.waitFor("message", (m) => m.text === "its wake-up was lost");
    expect(bob.frames.flatMap((f) => (f.kind === "message" ? [f.body.text] : f.kind === "messageBatch" ? f.body.messages.map((m) => m.text) : []))).toEqual(["first", "its wake-up was lost"]);
  });
});
