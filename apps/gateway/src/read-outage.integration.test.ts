// Read positions through a Redis outage: a conversation read while Redis is down (the gateway answers the Read with
// Error `unavailable`) counts as read once Redis is back, on the user's other devices, in route's unread counts and
// as "seen" for the peer, without the user reading anything again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SendError, type Read } from "@cim/client";
import { newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

describe("a Redis outage", () => {
  it("a conversation read while Redis is down is read once Redis is back: unread 0, and the peer sees it", { timeout: 60_000 }, async () => {
    const ann = await newUser(cluster.route.url, "ann");
    const bob = await newUser(cluster.route.url, "bob");
    clients.push(ann, bob);
    const annId = ann.session!.userId;
    const bobId = bob.session!.userId;
    const seen: Read[] = [];
    ann.onRead((read) => read.by === bobId && seen.push(read));
    const failures: string[] = [];
    bob.onError((error) => error instanceof SendError && failures.push(error.code));

    await ann.send({ to: bobId, text: "read me during the outage" });
    const message = await bob.waitForText("read me during the outage");
    const unreadFromAnn = async () => (await bob.conversations()).find((c) => c.conversation === annId)?.unread;
    expect(await unreadFromAnn()).toBe(1);

    await cluster.redis.stop("SIGKILL");
    bob.markRead(annId, message.msgId);
    await waitUntil(() => failures.includes("unavailable"), 10_000, "the gateway to answer the Read unavailable");
    await cluster.redis.restart();

    // Before the fix the SDK gave the Read up after its timeout: bob's count stayed 1 and ann never saw "seen".
    await waitUntil(async () => (await unreadFromAnn().catch(() => -1)) === 0, 20_000, "bob's unread count from ann to be 0");
    await waitUntil(() => seen.some((read) => read.conversation === bobId && read.msgId === message.msgId), 10_000, "ann to see that bob read it");
  });
});
