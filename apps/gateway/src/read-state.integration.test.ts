// Read positions and receipts on real Redis and ZooKeeper across two gateways, with raw protocol clients: a Read
// syncs every device of the reader and shows "seen" to the peer; Delivered reaches every device of the sender;
// both are told again at the next login, so a receipt lost on the way is not lost.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import type { Delivered, Read } from "@cim/protocol";
import { registerUser, useTwoGateways, type RawDevice } from "./test-support.js";

// Read through `stack` in the tests: the system starts in beforeAll.
const stack = useTwoGateways();
const { device } = stack;


const reads = (device: RawDevice): Read[] => device.frames.flatMap((f) => (f.kind === "read" ? [f.body] : []));
const receipts = (device: RawDevice): Delivered[] => device.frames.flatMap((f) => (f.kind === "delivered" ? [f.body] : []));

let pings = 0;
/** Frames of a session are handled in order: once a Ping is answered, every frame sent before it was handled. */
async function handled(device: RawDevice): Promise<void> {
  const ts = ++pings;
  device.send({ kind: "ping", body: { ts } });
  await device.waitFor("pong", (p) => p.ts === ts);
}

describe("read positions", () => {
  it("a Read reaches every device of the reader and, in a private chat, the peer's devices as seen; only forward, only to held messages", async () => {
    const [ann, bob] = [await registerUser(stack.cluster.route.url, "reader"), await registerUser(stack.cluster.route.url, "writer")];
    const room = await stack.api.createRoom(ann.token, { name: "reading", visibility: "private" });
    const [a1, a2, b1, b2] = [await device(ann, 0), await device(ann, 1), await device(bob, 1), await device(bob, 0)];
    const first = await b1.say({ to: ann.userId, text: "one" });
    const second = await b1.say({ to: ann.userId, text: "two" });
    const inRoom = await a2.say({ room: room.roomId, text: "room" });

    a1.send({ kind: "read", body: { conversation: bob.userId, msgId: second } });
    const mine = { conversation: bob.userId, msgId: second, by: ann.userId };
    const seen = { conversation: ann.userId, msgId: second, by: ann.userId };
    for (const own of [a1, a2]) await own.waitFor("read", (r) => r.msgId === second);
    for (const peer of [b1, b2]) await peer.waitFor("read", (r) => r.msgId === second);
    expect(reads(a2)).toEqual([mine]);
    expect(reads(b2)).toEqual([seen]);

    // Not newer, not held by the conversation, not a conversation of ann's, or malformed: nothing happens.
    for (const body of [
      { conversation: bob.userId, msgId: first },
      { conversation: bob.userId, msgId: inRoom },
      { conversation: "r999999", msgId: inRoom },
      { conversation: ann.userId, msgId: second },
      { conversation: "not a conversation", msgId: second },
      { conversation: bob.userId, msgId: "x" },
      // Padded with zeros: Redis finds the message by it, but as text it would outrank every real msgId and freeze
      // the position there.
      { conversation: bob.userId, msgId: `000${second}` },
      { conversation: `0${bob.userId}`, msgId: second },
    ]) a2.send({ kind: "read", body });
    a2.send({ kind: "read", body: { conversation: room.roomId, msgId: inRoom } });
    await a1.waitFor("read", (r) => r.conversation === room.roomId);
    await handled(a2);
    expect(reads(a1)).toEqual([mine, { conversation: room.roomId, msgId: inRoom, by: ann.userId }]);
    expect(reads(b1)).toEqual([seen]); // a room's read position is nobody else's business
    expect(a2.ws.readyState).toBe(a2.ws.OPEN);

    // A device that logs in later is told the positions: its user's own, and what its peers have seen.
    const a3 = await device(ann, 1);
    const b3 = await device(bob, 0);
    await waitUntil(() => reads(a3).length === 2 && reads(b3).length === 1, 20_000, "the read positions at login");
    expect(reads(a3)).toEqual(expect.arrayContaining([mine, { conversation: room.roomId, msgId: inRoom, by: ann.userId }]));
    expect(reads(b3)).toEqual([{ conversation: ann.userId, msgId: second, by: ann.userId }]);
  });
});

describe("delivery receipts", () => {
  it("reach every device of the sender, and are told again at login: a receipt relayed while the sender was away is not lost", async () => {
    const [ann, bob] = [await registerUser(stack.cluster.route.url, "sender"), await registerUser(stack.cluster.route.url, "receiver")];
    const [a1, a2] = [await device(ann, 0), await device(ann, 1)];
    const b1 = await device(bob, 1);
    const msgId = await a1.say({ to: bob.userId, text: "did it arrive" });
    await b1.waitFor("message", (m) => m.msgId === msgId);
    b1.send({ kind: "delivered", body: { msgId, from: ann.userId } });
    for (const own of [a1, a2]) await own.waitFor("delivered", (d) => d.msgId === msgId);
    expect(receipts(a2)).toEqual([{ msgId, by: bob.userId, from: ann.userId }]);

    // Every device of ann goes away; bob receives a message ann sent over HTTP, acknowledges and reads it: the
    // relays reach no one. Ann's next device is told at login.
    a1.ws.close();
    a2.ws.close();
    await waitUntil(async () => !(await stack.api.online(bob.token)).users.some((u) => u.userId === ann.userId), 20_000, "ann offline");
    const { msgId: away } = await stack.api.sendMessage(ann.token, { to: bob.userId, text: "sent while no device of ann's is on" });
    await b1.waitFor("message", (m) => m.msgId === away);
    b1.send({ kind: "delivered", body: { msgId: away, from: ann.userId } });
    b1.send({ kind: "read", body: { conversation: ann.userId, msgId: away } });
    await handled(b1);
    const a3 = await device(ann, 1);
    await a3.waitFor("delivered", (d) => d.msgId === away);
    await a3.waitFor("read", (r) => r.by === bob.userId);
    expect(receipts(a3)).toEqual([{ msgId: away, by: bob.userId, from: ann.userId }]);
    expect(reads(a3)).toEqual([{ conversation: bob.userId, msgId: away, by: bob.userId }]);
  });
});
