// Edits, deletions, replies, reactions and typing over WebSocket on real Redis and ZooKeeper, across two gateways, with raw
// protocol clients.
import { describe, expect, it } from "vitest";
import { waitUntil } from "@cim/devstack";
import { ErrorCode, type ChatMessage } from "@cim/protocol";
import { createRedis, sweepOldMessages } from "@cim/state";
import { registerUser, useTwoGateways, type RawDevice, type SayBody } from "./test-support.js";

// Read through `stack` in the tests: the system starts in beforeAll.
const stack = useTwoGateways();
const { device } = stack;

/** Sends a Send with event fields; resolves with the msgId, or rejects with the Error code. */
const event = (from: RawDevice, body: SayBody, clientMsgId?: string) => from.say({ text: "", ...body, clientMsgId });

const shape = (m: ChatMessage) => ({ msgId: m.msgId, text: m.text, replyTo: m.replyTo, editOf: m.editOf, deleted: m.deleted });
async function receivedUntil(device: RawDevice, msgId: string): Promise<ChatMessage[]> {
  await waitUntil(() => device.messages().some((m) => m.msgId === msgId), 20_000, `message ${msgId}`);
  return device.messages();
}

/**
 * Ann and bob in a private room of `name`, ann's device a1, bob's bLive (gateway 1) and a device of bob's that got the
 * first private and room messages (`before`, `roomBefore`) and went away; `of` shapes the messages after those of a
 * private chat (`isDm`) or the room (`isRoom`).
 */
async function awayScene(name: string) {
  const ann = await registerUser(stack.cluster.route.url, "ann");
  const bob = await registerUser(stack.cluster.route.url, "bob");
  const room = await stack.api.createRoom(ann.token, { name, visibility: "private" });
  await stack.api.invite(ann.token, room.roomId, bob.userId);
  const [a1, bLive, bAway] = [await device(ann, 0), await device(bob, 1), await device(bob, 0)];
  const before = await a1.say({ to: bob.userId, text: "before" });
  const roomBefore = await a1.say({ room: room.roomId, text: "room before" });
  await receivedUntil(bAway, roomBefore);
  bAway.ws.close();
  await bAway.closed;
  const of = (messages: ChatMessage[], where: (m: ChatMessage) => boolean) => messages.filter(where).map(shape);
  const isDm = (m: ChatMessage) => m.to === bob.userId && m.msgId !== before;
  const isRoom = (m: ChatMessage) => m.room === room.roomId && m.msgId !== roomBefore;
  return { bob, room, a1, bLive, before, roomBefore, of, isDm, isRoom };
}

describe("edits, deletions and replies", () => {
  it("are delivered in order to every device across gateways, replayed after a reconnect, and only the sender may edit", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const room = await stack.api.createRoom(ann.token, { name: "events", visibility: "private" });
    await stack.api.invite(ann.token, room.roomId, bob.userId);
    const [a1, a2, b1] = [await device(ann, 0), await device(ann, 1), await device(bob, 1)];

    const original = await a1.say({ room: room.roomId, text: "helo" });
    const reply = await event(b1, { room: room.roomId, text: "hi ann", replyTo: original });
    const edit = await event(a1, { room: room.roomId, text: "hello", editOf: original }, "edit-once");
    expect(await event(a1, { room: room.roomId, text: "hello", editOf: original }, "edit-once")).toBe(edit);
    await expect(event(b1, { room: room.roomId, text: "mine", editOf: original })).rejects.toThrow(ErrorCode.Forbidden);
    await expect(event(b1, { room: room.roomId, text: "", editOf: "123", delete: true })).rejects.toThrow(ErrorCode.NotFound);
    await expect(event(b1, { room: room.roomId, text: "", delete: true })).rejects.toThrow(ErrorCode.BadRequest);
    const removal = await event(a1, { room: room.roomId, editOf: original, delete: true });
    const expected = [
      { msgId: original, text: "helo", replyTo: "", editOf: "", deleted: false },
      { msgId: reply, text: "hi ann", replyTo: original, editOf: "", deleted: false },
      { msgId: edit, text: "hello", replyTo: "", editOf: original, deleted: false },
      { msgId: removal, text: "", replyTo: "", editOf: original, deleted: true },
    ];
    expect((await receivedUntil(b1, removal)).filter((m) => m.room === room.roomId).map(shape)).toEqual(expected.filter((m) => m.msgId !== reply));
    expect((await receivedUntil(a2, removal)).filter((m) => m.room === room.roomId).map(shape)).toEqual(expected);

    // A device that was away gets the events it missed, in order, once; the edit of the deleted message blank.
    const b2 = await device(bob, 0, { rooms: [{ room: room.roomId, after: original }] });
    expect((await receivedUntil(b2, removal)).map(shape)).toEqual([expected[1], { ...expected[2], text: "" }, expected[3]]);
  });

  it("hand a message deleted while a device was away to it blank when it comes back, live devices as before", async () => {
    const { bob, room, a1, bLive, before, roomBefore, of, isDm, isRoom } = await awayScene("away");

    const flow = async (target: SayBody) => {
      const secret = await a1.say({ ...target, text: "my pin is 4711" });
      const edit = await event(a1, { ...target, text: "my pin is 4712", editOf: secret });
      const after = await a1.say({ ...target, text: "after" });
      const removal = await event(a1, { ...target, editOf: secret, delete: true });
      return { secret, edit, after, removal };
    };
    const dm = await flow({ to: bob.userId });
    const inRoom = await flow({ room: room.roomId });
    const expected = (ids: Awaited<ReturnType<typeof flow>>, secretText: string, editText: string) => [
      { msgId: ids.secret, text: secretText, replyTo: "", editOf: "", deleted: false },
      { msgId: ids.edit, text: editText, replyTo: "", editOf: ids.secret, deleted: false },
      { msgId: ids.after, text: "after", replyTo: "", editOf: "", deleted: false },
      { msgId: ids.removal, text: "", replyTo: "", editOf: ids.secret, deleted: true },
    ];

    // Live: each message as it was sent, then its edit and deletion, once, in order.
    const live = await receivedUntil(bLive, inRoom.removal);
    expect(of(live, isDm)).toEqual(expected(dm, "my pin is 4711", "my pin is 4712"));
    expect(of(live, isRoom)).toEqual(expected(inRoom, "my pin is 4711", "my pin is 4712"));

    // Back from where it stood: the deleted message and its edit come blank, the rest as sent, once, in order.
    const back = await device(bob, 0, { inboxAfter: before, rooms: [{ room: room.roomId, after: roomBefore }] });
    await receivedUntil(back, dm.removal);
    const replayed = await receivedUntil(back, inRoom.removal);
    expect(of(replayed, isDm)).toEqual(expected(dm, "", ""));
    expect(of(replayed, isRoom)).toEqual(expected(inRoom, "", ""));
    expect(replayed.some((m) => m.text.includes("4711") || m.text.includes("4712"))).toBe(false);
  });

  it("hand a message edited while a device was away to it with the newest text only when it comes back, live devices as before", async () => {
    const { bob, room, a1, bLive, before, roomBefore, of, isDm, isRoom } = await awayScene("edited");

    const flow = async (target: SayBody) => {
      const secret = await a1.say({ ...target, text: "my password is hunter2" });
      const after = await a1.say({ ...target, text: "after" });
      const edit = await event(a1, { ...target, text: "my password is (removed)", editOf: secret });
      return { secret, after, edit };
    };
    const dm = await flow({ to: bob.userId });
    const inRoom = await flow({ room: room.roomId });
    const expected = (ids: Awaited<ReturnType<typeof flow>>, secretText: string) => [
      { msgId: ids.secret, text: secretText, replyTo: "", editOf: "", deleted: false },
      { msgId: ids.after, text: "after", replyTo: "", editOf: "", deleted: false },
      { msgId: ids.edit, text: "my password is (removed)", replyTo: "", editOf: ids.secret, deleted: false },
    ];

    // Live: each message as it was sent, then the edit, once, in order.
    const live = await receivedUntil(bLive, inRoom.edit);
    expect(of(live, isDm)).toEqual(expected(dm, "my password is hunter2"));
    expect(of(live, isRoom)).toEqual(expected(inRoom, "my password is hunter2"));

    // Back from where it stood: the edited message comes with its newest text, then the rest, once, in order.
    const back = await device(bob, 0, { inboxAfter: before, rooms: [{ room: room.roomId, after: roomBefore }] });
    await receivedUntil(back, dm.edit);
    const replayed = await receivedUntil(back, inRoom.edit);
    expect(of(replayed, isDm)).toEqual(expected(dm, "my password is (removed)"));
    expect(of(replayed, isRoom)).toEqual(expected(inRoom, "my password is (removed)"));
    expect(replayed.some((m) => m.text.includes("hunter2"))).toBe(false);
  });

  it("in a private chat reach both users' devices; a reply to a message of another chat is not found", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const [a1, b1] = [await device(ann, 0), await device(bob, 1)];
    const group = await a1.say({ text: "in the group" });
    await expect(event(a1, { to: bob.userId, text: "re", replyTo: group })).rejects.toThrow(ErrorCode.NotFound);
    const original = await a1.say({ to: bob.userId, text: "see you at 5" });
    const edit = await event(a1, { to: bob.userId, text: "see you at 6", editOf: original });
    const messages = (await receivedUntil(b1, edit)).filter((m) => m.to === bob.userId);
    expect(messages.map(shape)).toEqual([
      { msgId: original, text: "see you at 5", replyTo: "", editOf: "", deleted: false },
      { msgId: edit, text: "see you at 6", replyTo: "", editOf: original, deleted: false },
    ]);
  });

  it("a deletion or edit of the peer's message is refused under a clientMsgId of the sender's trimmed message, a resend writes nothing again, and neither reaches a device", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const [a1, b1] = [await device(ann, 0), await device(bob, 1)];
    const hello = await a1.say({ to: bob.userId, text: "hi bob", clientMsgId: "ann-hello" });
    const owed = await b1.say({ to: ann.userId, text: "I owe ann 5" });
    await receivedUntil(b1, hello);
    // Route's age sweep (CIM_STREAM_MAX_AGE_SECONDS) passes between the two: ann's message leaves the conversation and
    // both inboxes, bob's stays; the dedupe record of "ann-hello" lives on (24 h).
    const redis = createRedis(stack.cluster.redis.address, "test");
    try {
      await sweepOldMessages(redis, 1, Math.floor(Number(owed) / 1000) + 1_000);
    } finally {
      redis.disconnect();
    }
    await expect(event(a1, { to: bob.userId, editOf: owed, delete: true }, "ann-hello")).rejects.toThrow(ErrorCode.Forbidden);
    await expect(event(a1, { to: bob.userId, text: "I owe ann 500", editOf: owed }, "ann-hello")).rejects.toThrow(ErrorCode.Forbidden);
    // A plain resend under it gets the first answer, and puts nothing back under the old msgId (backdated).
    expect(await a1.say({ to: bob.userId, text: "as I said yesterday: you owe me 500", clientMsgId: "ann-hello" })).toBe(hello);
    const after = await a1.say({ to: bob.userId, text: "after" });
    // Bob's live device and one catching up from his inbox: nothing names bob's message but bob, nothing comes again.
    const b2 = await device(bob, 0, { inboxAfter: hello });
    for (const seen of [await receivedUntil(b1, after), await receivedUntil(b2, after)]) {
      expect(seen.filter((m) => m.editOf === owed || (m.msgId === hello && m.text !== "hi bob")).map(shape)).toEqual([]);
    }
  });
});

describe("reactions", () => {
  const reacted = (m: ChatMessage) => ({ msgId: m.msgId, from: m.from, text: m.text, reactTo: m.reactTo, reaction: m.reaction });

  it("reach the room's other members across gateways, are refused for a bad emoji or target, and history returns them", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const room = await stack.api.createRoom(ann.token, { name: "reactions", visibility: "private" });
    await stack.api.invite(ann.token, room.roomId, bob.userId);
    const [a1, b1] = [await device(ann, 0), await device(bob, 1)];
    const original = await b1.say({ room: room.roomId, text: "lunch?" });
    const gone = await b1.say({ room: room.roomId, text: "typo" });
    await event(b1, { room: room.roomId, editOf: gone, delete: true });

    // Anyone may react to anyone's message; the session stays open through every refusal.
    const like = await event(a1, { room: room.roomId, text: "ignored", reactTo: original, reaction: "👍" });
    for (const reaction of ["a", "👍👍", "👍\u0000", "👍".repeat(9)]) {
      await expect(event(a1, { room: room.roomId, reactTo: original, reaction })).rejects.toThrow(ErrorCode.BadRequest);
    }
    await expect(event(a1, { room: room.roomId, reaction: "👍" })).rejects.toThrow(ErrorCode.BadRequest);
    await expect(event(a1, { room: room.roomId, reactTo: "987654321", reaction: "👍" })).rejects.toThrow(ErrorCode.NotFound);
    await expect(event(a1, { room: room.roomId, reactTo: like, reaction: "👍" })).rejects.toThrow(ErrorCode.NotFound);
    await expect(event(a1, { room: room.roomId, reactTo: gone, reaction: "👍" })).rejects.toThrow(ErrorCode.NotFound);
    await expect(event(a1, { reactTo: original, reaction: "👍" })).rejects.toThrow(ErrorCode.NotFound);
    const takeBack = await event(a1, { room: room.roomId, reactTo: original, reaction: "" });

    const expected = [
      { msgId: like, from: ann.userId, text: "", reactTo: original, reaction: "👍" },
      { msgId: takeBack, from: ann.userId, text: "", reactTo: original, reaction: "" },
    ];
    expect((await receivedUntil(b1, takeBack)).filter((m) => m.reactTo).map(reacted)).toEqual(expected);
    const { messages } = await stack.api.history(bob.token, { room: room.roomId });
    expect(messages.filter((m) => m.reactTo).map(reacted)).toEqual(expected);

    // Route checks the same: one emoji (400), a message of the conversation (404).
    await expect(stack.api.sendMessage(ann.token, { room: room.roomId, text: "", reactTo: original, reaction: "ok" })).rejects.toMatchObject({ status: 400 });
    await expect(stack.api.sendMessage(ann.token, { room: room.roomId, text: "", reactTo: gone, reaction: "🎉" })).rejects.toMatchObject({ status: 404, code: ErrorCode.NotFound });
  });

  it("in a private chat reach the peer and the reacting user's other device on the other gateway", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const [a1, b1, b2] = [await device(ann, 0), await device(bob, 1), await device(bob, 0)];
    const original = await a1.say({ to: bob.userId, text: "see you at 5" });
    const love = await event(b1, { to: ann.userId, reactTo: original, reaction: "❤️" });
    const expected = [{ msgId: love, from: bob.userId, text: "", reactTo: original, reaction: "❤️" }];
    expect((await receivedUntil(a1, love)).filter((m) => m.reactTo).map(reacted)).toEqual(expected);
    expect((await receivedUntil(b2, love)).filter((m) => m.reactTo).map(reacted)).toEqual(expected);
    const { messages } = await stack.api.history(ann.token, { with: bob.userId });
    expect(messages.filter((m) => m.reactTo).map(reacted)).toEqual(expected);
  });
});

describe("typing", () => {
  it("reaches the other members' sessions on the other gateway, never a non-member, never the typist's own devices", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const carol = await registerUser(stack.cluster.route.url, "carol");
    const room = await stack.api.createRoom(ann.token, { name: "typing", visibility: "private" });
    await stack.api.invite(ann.token, room.roomId, bob.userId);
    // Private Typing goes only between users who have a conversation.
    await stack.api.sendMessage(ann.token, { to: bob.userId, text: "hi bob" });
    await stack.api.sendMessage(carol.token, { to: bob.userId, text: "bob, it's carol" });
    const [a1, a2, b1, c1] = [await device(ann, 0), await device(ann, 1), await device(bob, 1), await device(carol, 1)];

    a1.send({ kind: "typing", body: { conversation: room.roomId } });
    expect(await b1.waitFor("typing")).toEqual({ conversation: room.roomId, userId: ann.userId, userName: ann.userName });
    // Carol is not in the room: her Typing there is dropped. Her private Typing to bob after it is the barrier.
    c1.send({ kind: "typing", body: { conversation: room.roomId } });
    c1.send({ kind: "typing", body: { conversation: bob.userId } });
    expect(await b1.waitFor("typing", (t) => t.userId === carol.userId)).toEqual({ conversation: carol.userId, userId: carol.userId, userName: carol.userName });
    a1.send({ kind: "typing", body: { conversation: bob.userId } });
    await b1.waitFor("typing", (t) => t.conversation === ann.userId);
    expect(b1.frames.filter((f) => f.kind === "typing").map((f) => f.body)).toEqual([
      { conversation: room.roomId, userId: ann.userId, userName: ann.userName },
      { conversation: carol.userId, userId: carol.userId, userName: carol.userName },
      { conversation: ann.userId, userId: ann.userId, userName: ann.userName },
    ]);
    // Ann's other device and the non-member saw none of it (bob's Typing to ann is their barrier).
    b1.send({ kind: "typing", body: { conversation: ann.userId } });
    await a2.waitFor("typing", (t) => t.userId === bob.userId);
    await a1.waitFor("typing", (t) => t.userId === bob.userId);
    expect(a2.frames.filter((f) => f.kind === "typing").map((f) => f.body.userId)).toEqual([bob.userId]);
    expect(c1.frames.filter((f) => f.kind === "typing")).toEqual([]);
  });

  it("in a private chat reaches only a user the typist has a conversation with, as soon as either wrote", async () => {
    const dan = await registerUser(stack.cluster.route.url, "dan");
    const eve = await registerUser(stack.cluster.route.url, "eve");
    // A room in common is no private conversation.
    const room = await stack.api.createRoom(dan.token, { name: "common", visibility: "private" });
    await stack.api.invite(dan.token, room.roomId, eve.userId);
    const [d1, e1] = [await device(dan, 0), await device(eve, 1)];

    // Dan's private Typing to a stranger is dropped (the gateway says so); his room Typing after it reaches her alone.
    d1.send({ kind: "typing", body: { conversation: eve.userId } });
    await waitUntil(() => stack.cluster.gateways[0]!.process.output().includes("typing dropped: no conversation with that user"), 10_000, "the drop to be logged");
    d1.send({ kind: "typing", body: { conversation: room.roomId } });
    await e1.waitFor("typing", (t) => t.conversation === room.roomId);
    expect(e1.frames.filter((f) => f.kind === "typing").map((f) => f.body.conversation)).toEqual([room.roomId]);

    // Once dan wrote to eve, his Typing reaches her (from another of his sessions: one Typing a second per session).
    await d1.say({ to: eve.userId, text: "hello eve" });
    const d2 = await device(dan, 0);
    d2.send({ kind: "typing", body: { conversation: eve.userId } });
    expect(await e1.waitFor("typing", (t) => t.conversation === dan.userId)).toEqual({ conversation: dan.userId, userId: dan.userId, userName: dan.userName });
    // And hers reaches him: she has the conversation too, though she never wrote.
    e1.send({ kind: "typing", body: { conversation: dan.userId } });
    expect(await d1.waitFor("typing", (t) => t.userId === eve.userId)).toEqual({ conversation: eve.userId, userId: eve.userId, userName: eve.userName });
  });
});

describe("typing by interest", () => {
  it("reaches a session that chose conversations only in those, and an old client in all of its user's", async () => {
    const ann = await registerUser(stack.cluster.route.url, "ann");
    const bob = await registerUser(stack.cluster.route.url, "bob");
    const room = await stack.api.createRoom(ann.token, { name: "chosen", visibility: "private" });
    await stack.api.invite(ann.token, room.roomId, bob.userId);
    await stack.api.sendMessage(ann.token, { to: bob.userId, text: "hi bob" }); // private Typing goes only in a conversation
    const [a1, bNew, bOld] = [await device(ann, 0), await device(bob, 1), await device(bob, 0)];
    expect(bNew.ack.typingSubscribe).toBe(true);

    bNew.send({ kind: "typingSubscribe", body: { conversations: [ann.userId] } }); // bob's phone shows the private chat
    bNew.send({ kind: "ping", body: { ts: 1 } });
    await bNew.waitFor("pong", (p) => p.ts === 1); // the list is in place
    a1.send({ kind: "typing", body: { conversation: room.roomId } });
    await bOld.waitFor("typing", (t) => t.conversation === room.roomId);
    a1.send({ kind: "typing", body: { conversation: bob.userId } });
    await bOld.waitFor("typing", (t) => t.conversation === ann.userId);
    await bNew.waitFor("typing", (t) => t.conversation === ann.userId);
    expect(bNew.frames.filter((f) => f.kind === "typing").map((f) => f.body.conversation)).toEqual([ann.userId]);

    // A list too long is refused, the previous one stays and the session with it.
    bNew.send({ kind: "typingSubscribe", body: { conversations: Array.from({ length: 21 }, (_, i) => String(i + 1)) } });
    expect((await bNew.waitFor("error")).code).toBe(ErrorCode.BadRequest);
    bNew.send({ kind: "typingSubscribe", body: { conversations: [room.roomId] } });
    bNew.send({ kind: "ping", body: { ts: 2 } });
    await bNew.waitFor("pong", (p) => p.ts === 2);
    // Another member types: ann's Typing of the room, from any of its sessions, is under a second old.
    const carol = await registerUser(stack.cluster.route.url, "carol");
    await stack.api.invite(ann.token, room.roomId, carol.userId);
    const c1 = await device(carol, 1);
    c1.send({ kind: "typing", body: { conversation: room.roomId } });
    await bNew.waitFor("typing", (t) => t.conversation === room.roomId && t.userId === carol.userId);
  });
});
