// Conversations on real Redis and ZooKeeper across two gateways, with raw protocol clients: several devices of
// one user, rooms with membership, LoginAck positions and an old-style client.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { ErrorCode, type ChatMessage } from "@cim/protocol";
import { receivedTexts as received, registerUser, TEST_PASSWORD, useTwoGateways, type RawDevice } from "./test-support.js";

// Read through `stack` in the tests: the system starts in beforeAll.
const stack = useTwoGateways();
const { device } = stack;


const texts = (messages: ChatMessage[]) => messages.map((m) => m.text);

/** The cursors a client keeps: the last msgId it saw in the group, its inbox and each room. */
function cursorsOf(device: RawDevice) {
  const last = (pick: (m: ChatMessage) => boolean, from: string) => device.messages().filter(pick).at(-1)?.msgId ?? from;
  const rooms = device.ack.rooms.map(({ room, after }) => ({ room, after: last((m) => m.room === room, after) }));
  return {
    groupAfter: last((m) => !m.to && !m.room, device.ack.groupPosition),
    inboxAfter: last((m) => !!m.to, device.ack.inboxPosition),
    rooms,
  };
}

describe("two devices of one user", () => {
  it("each device gets every message of the user's conversations and the other devices' sends, exactly once, also after a reconnect", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const room = await stack.api.createRoom(bob.token, { name: "devices", visibility: "private" });
    await stack.api.invite(bob.token, room.roomId, ann.userId);
    const a2Token = (await stack.api.login(ann.userName, TEST_PASSWORD)).token;
    const a3Token = (await stack.api.login(ann.userName, TEST_PASSWORD)).token;
    // a3 shares a1's gateway: a1's private sends reach it from that gateway itself, not over the bus.
    const [a1, a2, a3, b1] = [await device(ann, 0), await device(ann, 1, {}, a2Token), await device(ann, 0, {}, a3Token), await device(bob, 0, {}, bob.token)];
    expect(a2.ack.rooms).toEqual([{ room: room.roomId, after: "0" }]);

    await b1.say({ to: ann.userId, text: "bob to ann" });
    await a1.say({ to: bob.userId, text: "a1 to bob" });
    await a2.say({ text: "a2 to the group" });
    await b1.say({ room: room.roomId, text: "bob in the room" });
    await a1.say({ room: room.roomId, text: "a1 in the room" });
    await stack.api.sendMessage(ann.token, { room: room.roomId, text: "ann over http" });
    const all = ["bob to ann", "a1 to bob", "a2 to the group", "bob in the room", "a1 in the room", "ann over http"];
    await b1.say({ text: "barrier" });
    expect((await received(a1, "barrier")).sort()).toEqual(["bob to ann", "a2 to the group", "bob in the room", "ann over http", "barrier"].sort());
    expect((await received(a2, "barrier")).sort()).toEqual(["bob to ann", "a1 to bob", "bob in the room", "a1 in the room", "ann over http", "barrier"].sort());
    expect((await received(a3, "barrier")).sort()).toEqual([...all, "barrier"].sort());
    const toBob = all.filter((t) => t !== "bob in the room" && t !== "bob to ann");
    expect((await received(b1, ...toBob)).sort()).toEqual(toBob.sort());
    const fromA1 = a2.messages().find((m) => m.text === "a1 to bob")!;
    expect(fromA1).toMatchObject({ from: ann.userId, to: bob.userId, room: "" });

    // a2 goes away; what it misses comes when it logs in again (same login, its cursors), once.
    const cursors = cursorsOf(a2);
    a2.ws.close();
    await b1.say({ to: ann.userId, text: "missed private" });
    await a1.say({ to: bob.userId, text: "missed own private" });
    await a1.say({ room: room.roomId, text: "missed own room" });
    await b1.say({ text: "missed group" });
    const back = await device(ann, 0, cursors, a2Token);
    await b1.say({ room: room.roomId, text: "live again" });
    await back.say({ room: room.roomId, text: "back in the room" });
    await received(a1, "back in the room");
    const again = await received(back, "missed private", "missed own private", "missed own room", "missed group", "live again");
    expect(again.sort()).toEqual(["missed private", "missed own private", "missed own room", "missed group", "live again"].sort());
    expect(texts(a1.messages()).filter((t) => t.startsWith("missed own"))).toEqual([]);
    expect(back.ack).toMatchObject({ groupPosition: cursors.groupAfter, inboxPosition: cursors.inboxAfter, rooms: cursors.rooms });
    expect(new Set(a1.messages().map((m) => m.msgId)).size).toBe(a1.messages().length);
  });
});

describe("rooms", () => {
  it("reach their members only; a non-member's send is refused with not_member and stored nowhere; membership changes arrive as RoomEvents", async () => {
    const [owner, member, outsider] = [await registerUser(stack.cluster.route.url, "owner"), await registerUser(stack.cluster.route.url, "member"), await registerUser(stack.cluster.route.url, "outsider")];
    const room = await stack.api.createRoom(owner.token, { name: "club", visibility: "public" });
    await stack.api.joinRoom(member.token, room.roomId);
    const [o, m, x] = [await device(owner, 0, {}, owner.token), await device(member, 1, {}, member.token), await device(outsider, 1, {}, outsider.token)];
    await o.say({ room: room.roomId, text: "members only" });
    await expect(x.say({ room: room.roomId, text: "let me in", clientMsgId: "outsider-1" })).rejects.toThrow(ErrorCode.NotMember);
    await expect(x.say({ room: room.roomId, to: owner.userId, text: "both" })).rejects.toThrow(ErrorCode.BadRequest);
    expect(await received(m, "members only")).toEqual(["members only"]);
    expect((await stack.api.history(owner.token, { room: room.roomId })).messages.map((msg) => msg.text)).toEqual(["members only"]);

    // The outsider joins: every session in the room and the outsider hear of it, and it reads the room from now.
    await stack.api.joinRoom(outsider.token, room.roomId);
    for (const session of [o, m, x]) await session.waitFor("roomEvent", (e) => e.userId === outsider.userId && e.kind === "joined" && e.room === room.roomId && e.name === "club");
    await m.say({ room: room.roomId, text: "welcome" });
    expect(await received(x, "welcome")).toEqual(["welcome"]);

    await stack.api.leaveRoom(outsider.token, room.roomId);
    await x.waitFor("roomEvent", (e) => e.kind === "left" && e.userId === outsider.userId);
    await o.waitFor("roomEvent", (e) => e.kind === "left" && e.userId === outsider.userId);
    await m.say({ room: room.roomId, text: "after it left" });
    await received(o, "after it left");
    await x.say({ to: owner.userId, text: "barrier" });
    await received(o, "barrier");
    expect(texts(x.messages())).toEqual(["welcome"]);
    await expect(x.say({ room: room.roomId, text: "still here?" })).rejects.toThrow(ErrorCode.NotMember);

    // Added back by a member: its session is told by whom.
    await stack.api.invite(member.token, room.roomId, outsider.userId);
    await x.waitFor("roomEvent", (e) => e.kind === "invited" && e.userId === outsider.userId && e.by === member.userId && e.byName === member.userName);
  });
});

describe("LoginAck", () => {
  it("reports where delivery starts in each stream, and echoes the cursors a client names; an old-style Login works unchanged", async () => {
    const ann = await registerUser(stack.cluster.route.url, "pos-ann");
    const bob = await registerUser(stack.cluster.route.url, "pos-bob");
    const room = await stack.api.createRoom(ann.token, { name: "positions", visibility: "private" });
    const talker = await device(bob, 0, {}, bob.token);
    const group = await talker.say({ text: "positions group" });
    const inRoom = await (await device(ann, 1)).say({ room: room.roomId, text: "positions room" });
    const privateId = await talker.say({ to: ann.userId, text: "positions private" });

    const fresh = await device(ann, 0);
    expect(fresh.ack.groupPosition).toBe(group);
    expect(fresh.ack.rooms).toEqual([{ room: room.roomId, after: inRoom }]);
    expect(fresh.ack.inboxPosition).toBe("0"); // nothing acknowledged: the inbox starts at its beginning
    expect(await received(fresh, "positions private")).toEqual(["positions private"]);
    fresh.send({ kind: "delivered", body: { msgId: privateId, from: bob.userId } });
    await talker.waitFor("delivered", (d) => d.msgId === privateId && d.by === ann.userId);
    expect((await device(ann, 1)).ack.inboxPosition).toBe(privateId);

    // An old client: no rooms, msgIds of the group and the inbox only.
    const old = await device(ann, 1, { groupAfter: "0", inboxAfter: "0" });
    expect(old.ack).toMatchObject({ groupPosition: "0", inboxPosition: "0", rooms: [{ room: room.roomId, after: inRoom }] });
    await waitUntil(() => texts(old.messages()).includes("positions private"), 20_000, "the old client's replay");
    expect(texts(old.messages())).toContain("positions group");
    expect(texts(old.messages())).not.toContain("positions room"); // the room starts at its newest: nothing named
  });
});

describe("blocking", () => {
  it("refuses private messages between users who block each other (socket and HTTP), lets the rest of a turn through, hides typing, receipts and presence, until unblocked", async () => {
    const [ann, bob, carl] = [await registerUser(stack.cluster.route.url, "blk-ann"), await registerUser(stack.cluster.route.url, "blk-bob"), await registerUser(stack.cluster.route.url, "blk-carl")];
    const before = (await stack.api.sendMessage(bob.token, { to: ann.userId, text: "before the block" })).msgId;
    await stack.api.block(ann.token, bob.userId);
    const [a, b, c] = [await device(ann, 0, {}, ann.token), await device(bob, 1, {}, bob.token), await device(carl, 1, {}, carl.token)];
    await received(a, "before the block");

    // One turn of bob's Sends: the two to ann are refused, the one to carl between them is stored and delivered.
    const turn = await Promise.allSettled([b.say({ to: ann.userId, text: "blocked 1" }), b.say({ to: carl.userId, text: "to carl" }), b.say({ to: ann.userId, replyTo: before, text: "blocked 2" })]);
    expect(turn.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "stored"))).toEqual([ErrorCode.Blocked, "stored", ErrorCode.Blocked]);
    await expect(a.say({ to: bob.userId, text: "ann writes back" })).rejects.toThrow(ErrorCode.Blocked);
    await expect(stack.api.sendMessage(bob.token, { to: ann.userId, text: "over http" })).rejects.toMatchObject({ status: 403, code: ErrorCode.Blocked });
    expect(await received(c, "to carl")).toEqual(["to carl"]);

    // Typing and a read receipt from bob, then carl's typing from the same gateway as a barrier: ann sees only carl's.
    b.send({ kind: "typing", body: { conversation: ann.userId } });
    b.send({ kind: "read", body: { conversation: ann.userId, msgId: before } });
    await b.waitFor("read", (r) => r.by === bob.userId && r.msgId === before);
    await c.say({ to: ann.userId, text: "carl to ann" }); // a conversation: private Typing goes only so
    c.send({ kind: "typing", body: { conversation: ann.userId } });
    await a.waitFor("typing", (t) => t.userId === carl.userId);
    expect(a.frames.filter((f) => (f.kind === "typing" && f.body.userId === bob.userId) || (f.kind === "read" && f.body.by === bob.userId))).toEqual([]);
    a.send({ kind: "presenceSubscribe", body: { userIds: [bob.userId, carl.userId] } });
    expect((await a.waitFor("presenceBatch")).presences.map((p) => p.userId)).toEqual([carl.userId]);

    // Unblocked: ann's list is answered again with bob in it, and messages flow both ways; history kept only what was stored.
    // Every device of ann is told (a2 on bob's gateway too, once), never bob.
    const a2 = await device(ann, 1);
    await stack.api.unblock(ann.token, bob.userId);
    await a.waitFor("presenceBatch", (batch) => batch.presences.some((p) => p.userId === bob.userId && p.online));
    // Ann's second block change (the block above was the first): its order says so.
    const unblocked = { userId: bob.userId, userName: bob.userName, blocked: false, order: 2 };
    expect(await a.waitFor("blockEvent")).toEqual(unblocked);
    expect(await a2.waitFor("blockEvent")).toEqual(unblocked);
    await b.say({ to: ann.userId, text: "after the unblock" });
    await a.say({ to: bob.userId, text: "welcome back" });
    expect(await received(a, "after the unblock")).not.toContain("blocked 1");
    await received(b, "welcome back");
    const history = (await stack.api.history(ann.token, { with: bob.userId })).messages.map((m) => m.text);
    expect(history).toEqual(["before the block", "after the unblock", "welcome back"]);
    // Blocked again while each watches the other online: both are told the other is offline (its changes stop coming).
    b.send({ kind: "presenceSubscribe", body: { userIds: [ann.userId] } });
    await b.waitFor("presenceBatch", (batch) => batch.presences.some((p) => p.userId === ann.userId && p.online));
    await stack.api.block(ann.token, bob.userId);
    await a2.waitFor("blockEvent", (event) => event.blocked);
    await a.waitFor("presence", (p) => p.userId === bob.userId && !p.online);
    await b.waitFor("presence", (p) => p.userId === ann.userId && !p.online);
    const told = (d: RawDevice) => d.frames.flatMap((f) => (f.kind === "blockEvent" ? [f.body] : []));
    // Each announcement carries a higher order than the one before: a device drops one that comes after a newer one.
    expect(told(a2)).toEqual([unblocked, { ...unblocked, blocked: true, order: 3 }]);
    expect(told(b)).toEqual([]);
  });
});
