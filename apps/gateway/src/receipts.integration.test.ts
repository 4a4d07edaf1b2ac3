// Delivery receipts are believed only for messages really sent to their author by the sender they name, and
// they move the author's inbox cursor only to messages its inbox holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { user } from "@cim/state";
import { newUser, RecordingClient, startCluster, waitUntil, type Cluster } from "@cim/devstack";
import type { Delivered } from "@cim/protocol";
import { rawUser, TEST_PASSWORD, type RawUser } from "./test-support.js";

let cluster: Cluster;
let redis: Redis;
const clients: Array<{ close: () => void }> = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
  redis = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const client of clients) client.close();
  redis?.disconnect();
  await cluster?.stop();
});

async function sdkUser(name: string): Promise<RecordingClient> {
  const client = await newUser(cluster.route.url, name);
  clients.push(client);
  return client;
}

async function raw(name: string): Promise<RawUser> {
  const user = await rawUser(cluster.route.url, name);
  clients.push({ close: () => user.ws.close() });
  return user;
}

const dropped = () => cluster.gateways[0]!.process.output().split("\n").filter((line) => line.includes("receipt dropped")).length;

describe("delivery receipts", () => {
  it("a receipt for someone else's message, or naming the wrong sender, is dropped and never reaches anyone", async () => {
    const ann = await sdkUser("ann");
    const receipts: Delivered[] = [];
    ann.onDelivered((d) => receipts.push(d));
    const bob = await raw("bob");
    const mallory = await raw("mallory");
    const { msgId } = await ann.send({ to: bob.userId, text: "for bob only" });
    await bob.waitFor("message", (m) => m.msgId === msgId);

    const before = dropped();
    mallory.send({ kind: "delivered", body: { msgId, from: ann.session!.userId } }); // not mallory's message
    bob.send({ kind: "delivered", body: { msgId, from: mallory.userId } }); // bob's, but not from mallory
    await waitUntil(() => dropped() === before + 2, 20_000, "both forged receipts to be dropped");

    bob.send({ kind: "delivered", body: { msgId, from: ann.session!.userId } });
    await waitUntil(() => receipts.length > 0, 20_000, "ann to see bob's receipt");
    expect(receipts).toEqual([{ msgId, by: bob.userId, from: ann.session!.userId }]);
    expect(mallory.frames.filter((f) => f.kind === "delivered")).toEqual([]);
    expect(mallory.ws.readyState).toBe(mallory.ws.OPEN); // dropped silently, not a protocol violation
  });

  it("a receipt for a msgId the inbox does not hold leaves the cursor alone: later offline messages still arrive", async () => {
    const ann = await sdkUser("ann");
    const bob = await raw("bob");
    const before = dropped();
    for (const msgId of ["99999999999999999", "99999999999999999999", "1"]) bob.send({ kind: "delivered", body: { msgId, from: ann.session!.userId } });
    await waitUntil(() => dropped() === before + 3, 20_000, "three forged receipts to be dropped");
    expect(await redis.get(user.acked(bob.userId))).toBeNull();

    bob.ws.close();
    await waitUntil(async () => !(await ann.online()).some((u) => u.userId === bob.userId), 20_000, "bob to be offline");
    await ann.send({ to: bob.userId, text: "while you were away" });
    const back = new RecordingClient(cluster.route.url);
    clients.push(back);
    await back.logIn(bob.userName, TEST_PASSWORD);
    await back.waitForText("while you were away");
  });
});

describe("the SDK under the gateway's default frame limit (50/s, burst 200)", () => {
  it("300 private messages sent at once, and the receipts of the peer's next login for all 300, close no session", async () => {
    const ann = await sdkUser("ann");
    const receipts: Delivered[] = [];
    ann.onDelivered((d) => receipts.push(d));
    const away = await sdkUser("bob");
    const bobName = away.session!.userName;
    const bobId = away.session!.userId;
    away.close();

    const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => ann.send({ to: bobId, text: `burst ${i}` })));
    const bob = new RecordingClient(cluster.route.url);
    clients.push(bob);
    await bob.logIn(bobName, TEST_PASSWORD);
    await waitUntil(() => bob.messages.length >= 300, 30_000, "bob to get all 300 at login");
    expect(bob.texts()).toEqual(Array.from({ length: 300 }, (_, i) => `burst ${i}`));
    const last = acks.at(-1)!.msgId;
    await waitUntil(() => receipts.some((r) => r.msgId === last), 30_000, "ann to see the last message delivered");
    // Neither session was ever closed with 4429 and reconnected.
    expect(ann.states.filter((s) => s === "reconnecting")).toEqual([]);
    expect(bob.states.filter((s) => s === "reconnecting")).toEqual([]);
  });
});
