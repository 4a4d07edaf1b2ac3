// A private message's steps on a Redis Cluster (3 masters, 3 replicas) across two gateways, with raw protocol
// clients: its conversation step and its two inbox steps are calls of their own there, and a first attempt that
// stopped after the conversation step (its gateway died, a master failed over) must not change what devices get.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDefaultLayout, waitUntil } from "@cim/devstack";
import type { ChatMessage } from "@cim/protocol";
import { conv, createRedisClient, MessageStore, recordFields, type RedisClient } from "@cim/state";
import { registerUser, useTwoGateways, type RawDevice } from "./test-support.js";

setDefaultLayout("cluster");
// Six redis-servers and three ZooKeepers start before the suite's first test.
vi.setConfig({ hookTimeout: 180_000 });

const stack = useTwoGateways();
const { device } = stack;
let redis: RedisClient;

beforeAll(() => {
  redis = createRedisClient({ url: "", clusterNodes: stack.cluster.redisCluster!.nodes.map((n) => `${n.host}:${n.port}`) }, "private-steps-test");
  // Defines the message scripts on `redis`.
  new MessageStore(redis);
});
afterAll(() => redis?.disconnect());

/** A private message's conversation step alone, as the phone's gateway left it when it died right after it. */
async function conversationStepOnly(from: { userId: string; userName: string }, to: string, clientMsgId: string, text: string): Promise<string> {
  const record = { from: from.userId, fromName: from.userName, to, room: "", text };
  // The store's own script (@cim/state's STORE_PRIVATE, defined on `redis` above; typed in that package only).
  const script = redis as unknown as { cimStorePrivate: (...keysAndArgs: string[]) => Promise<[string, number]> };
  const convKey = conv.ofPair(from.userId, to);
  const [stored] = await script.cimStorePrivate(conv.messages(convKey), conv.dedupe(convKey, from.userId, clientMsgId), conv.deletions(convKey), conv.edits(convKey), "10000", "0", "60", "", ...recordFields(record, "phone"));
  return stored.split(":")[0]!;
}

const shown = (messages: ChatMessage[]) => messages.map((m) => [m.msgId, m.text, m.editOf]);

async function receivedUntil(session: RawDevice, msgId: string): Promise<ChatMessage[]> {
  await waitUntil(() => session.messages().some((m) => m.msgId === msgId), 20_000, `message ${msgId}`);
  return session.messages();
}

describe("a private message's steps on a Redis Cluster", () => {
  it("an edit from the sender's other device reaches the recipient's devices after its message, also before the message's inbox steps", async () => {
    const url = stack.cluster.route.url;
    const [ann, bob] = [await registerUser(url, "ann"), await registerUser(url, "bob")];
    const [laptop, b] = [await device(ann, 0), await device(bob, 1)];
    // The phone's message is in the conversation, where ann's laptop finds it (history) and edits it.
    const msgId = await conversationStepOnly(ann, bob.userId, "m1", "tpyo");
    expect((await stack.api.history(ann.token, { with: bob.userId })).messages.map((m) => m.msgId)).toEqual([msgId]);
    const edit = await laptop.say({ to: bob.userId, text: "typo", editOf: msgId });
    expect(shown(await receivedUntil(b, edit))).toEqual([[msgId, "tpyo", ""], [edit, "typo", msgId]]);
    // Bob's device back later reads the same two from his inbox, the edit applied.
    const again = await device(bob, 0, { inboxAfter: "0" });
    expect(shown(await receivedUntil(again, edit))).toEqual([[msgId, "typo", ""], [edit, "typo", msgId]]);
  });

  it("a resend with the same clientMsgId but other text reaches the recipient's devices with the text first stored", async () => {
    const url = stack.cluster.route.url;
    const [ann, bob] = [await registerUser(url, "ann"), await registerUser(url, "bob")];
    const [a, b] = [await device(ann, 0), await device(bob, 1)];
    const msgId = await conversationStepOnly(ann, bob.userId, "k1", "as first sent");
    expect(await a.say({ to: bob.userId, text: "other text", clientMsgId: "k1" })).toBe(msgId);
    expect(shown(await receivedUntil(b, msgId))).toEqual([[msgId, "as first sent", ""]]);
    expect((await stack.api.history(bob.token, { with: ann.userId })).messages.map((m) => m.text)).toEqual(["as first sent"]);
  });
});
