// The caller's conversations and rooms with unread counts (GET /api/conversations, GET /api/rooms), through
// app.request() on real Redis and ZooKeeper; messages written with MessageStore.store, read positions with ReadStore.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareIds } from "@cim/protocol";
import { expectError, newUser, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface Conversation {
  conversation: string;
  kind: "room" | "private";
  name: string;
  unread: number;
  lastMsgId: string;
  readUpTo: string;
  last?: { msgId: string; from: string; fromName: string; to: string; room: string; text: string; ts: number; edited: boolean; deleted: boolean };
}
interface MyRoom {
  roomId: string;
  name: string;
  visibility: "public" | "private";
  unread: number;
  lastMsgId: string;
}

let h: RouteHarness;
let seq = 0;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

/** Stores a message (room, private with `to`, or the group with neither); returns its msgId. */
async function store(from: LoginAnswer, text: string, target: { room?: string; to?: string; editOf?: string; deleted?: boolean; reactTo?: string; reaction?: string } = {}): Promise<string> {
  const result = await h.services.messages.store({ clientMsgId: `conv-${++seq}`, from: from.userId, fromName: from.userName, fromDevice: "", text, ...target });
  if ("error" in result) throw new Error(`store refused: ${result.error}`);
  return result.message.msgId;
}

async function createRoom(owner: LoginAnswer, name: string, visibility: "public" | "private" = "public"): Promise<string> {
  const res = await h.call("POST", "/api/rooms", { token: owner.token, body: { name, visibility } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { roomId: string }).roomId;
}

async function conversations(as: LoginAnswer): Promise<Conversation[]> {
  const res = await h.call("GET", "/api/conversations", { token: as.token });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { conversations: Conversation[] };
  expect(Object.keys(body)).toEqual(["conversations"]);
  return body.conversations;
}

async function myRooms(as: LoginAnswer): Promise<MyRoom[]> {
  const res = await h.call("GET", "/api/rooms", { token: as.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rooms: MyRoom[] }).rooms;
}

/** Reads `as`'s group conversation up to its newest message, so the group's unread count starts at 0. */
async function readGroup(as: LoginAnswer): Promise<string> {
  const newest = await h.services.messages.newest({ userId: as.userId, conversation: "everyone" });
  if (newest !== "0") await h.services.reads.setRead(as.userId, "everyone", newest);
  return newest === "0" ? "" : newest;
}

describe("GET /api/conversations", () => {
  it("lists the caller's rooms and private chats, newest first, with messages from others after the read position as unread", async () => {
    const [ann, ben, cat] = await Promise.all([newUser(h, "ann"), newUser(h, "ben"), newUser(h, "cat")]);
    await store(ben, "hello all");
    const groupRead = await readGroup(ann);
    const quiet = await createRoom(ann, uniqueName("Quiet "));
    const club = await createRoom(ann, uniqueName("Club "));
    expect((await h.call("POST", `/api/rooms/${club}/join`, { token: ben.token })).status).toBe(200);
    const c1 = await store(ben, "one", { room: club });
    const c2 = await store(ben, "two", { room: club });
    await store(ann, "my own", { room: club });
    const c4 = await store(ben, "three", { room: club });
    const p1 = await store(cat, "hi ann", { to: ann.userId });
    const p2 = await store(ann, "hi cat", { to: cat.userId });

    const last = (msgId: string, from: LoginAnswer, text: string, where: { to?: string; room?: string }) =>
      ({ msgId, from: from.userId, fromName: from.userName, to: where.to ?? "", room: where.room ?? "", text, ts: expect.any(Number), edited: false, deleted: false });
    expect(await conversations(ann)).toEqual([
      { conversation: cat.userId, kind: "private", name: cat.userName, unread: 1, lastMsgId: p2, readUpTo: "", last: last(p2, ann, "hi cat", { to: cat.userId }) },
      { conversation: club, kind: "room", name: expect.stringMatching(/^Club /), unread: 3, lastMsgId: c4, readUpTo: "", last: last(c4, ben, "three", { room: club }) },
      { conversation: "everyone", kind: "room", name: "Everyone", unread: 0, lastMsgId: groupRead, readUpTo: groupRead, last: last(groupRead, ben, "hello all", {}) },
      { conversation: quiet, kind: "room", name: expect.stringMatching(/^Quiet /), unread: 0, lastMsgId: "", readUpTo: "" },
    ]);

    // Reading moves the counts; the sender's own messages never count.
    await h.services.reads.setRead(ann.userId, club, c2);
    await h.services.reads.setRead(ann.userId, cat.userId, p1);
    const after = await conversations(ann);
    expect(after.find((c) => c.conversation === club)).toMatchObject({ unread: 1, readUpTo: c2 });
    expect(after.find((c) => c.conversation === cat.userId)).toMatchObject({ unread: 0, readUpTo: p1 });
    // The other side sees the same private chat under the caller's id.
    expect((await conversations(cat)).find((c) => c.conversation === ann.userId)).toEqual({
      conversation: ann.userId, kind: "private", name: ann.userName, unread: 1, lastMsgId: p2, readUpTo: "", last: last(p2, ann, "hi cat", { to: cat.userId }),
    });
    expect(c1).not.toBe(c2);
  });

  it("counts group messages from others after the read position, and drops a room once left", async () => {
    const [dan, eve] = await Promise.all([newUser(h, "dan"), newUser(h, "eve")]);
    await readGroup(dan);
    const g1 = await store(eve, "to all");
    const g2 = await store(eve, "to all again");
    await store(dan, "mine");
    expect((await conversations(dan)).find((c) => c.conversation === "everyone")).toMatchObject({ unread: 2 });
    await h.services.reads.setRead(dan.userId, "everyone", g1);
    expect((await conversations(dan)).find((c) => c.conversation === "everyone")).toMatchObject({ unread: 1, readUpTo: g1 });
    expect(g2).not.toBe(g1);

    const room = await createRoom(eve, uniqueName("Brief "));
    await h.call("POST", `/api/rooms/${room}/join`, { token: dan.token });
    expect((await conversations(dan)).map((c) => c.conversation)).toContain(room);
    await h.call("POST", `/api/rooms/${room}/leave`, { token: dan.token });
    expect((await conversations(dan)).map((c) => c.conversation)).not.toContain(room);
  });

  it("starts a new account and a room's new member where they came in: history before it is there, not unread", async () => {
    const ann = await newUser(h, "ann");
    const room = await createRoom(ann, uniqueName("Before "));
    await store(ann, "before you came");
    await store(ann, "one", { room });
    const lastBefore = await store(ann, "two", { room });
    const groupBefore = await store(ann, "before you came too");

    const ben = await newUser(h, "ben");
    const entry = async (key: string) => (await conversations(ben)).find((c) => c.conversation === key);
    expect(await entry("everyone")).toMatchObject({ unread: 0 });
    expect(compareIds((await entry("everyone"))!.readUpTo, groupBefore)).toBeGreaterThanOrEqual(0);
    expect((await h.call("POST", `/api/rooms/${room}/join`, { token: ben.token })).status).toBe(200);
    expect(await entry(room)).toMatchObject({ unread: 0, readUpTo: lastBefore, lastMsgId: lastBefore });
    const history = await h.call("GET", `/api/history?room=${room}`, { token: ben.token });
    expect(((await history.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual(["one", "two"]);

    await store(ann, "after you came", { room });
    await store(ann, "after you came");
    expect(await entry(room)).toMatchObject({ unread: 1 });
    expect(await entry("everyone")).toMatchObject({ unread: 1 });

    // Gone and back: what was said meanwhile was not for it.
    expect((await h.call("POST", `/api/rooms/${room}/leave`, { token: ben.token })).status).toBe(204);
    await store(ann, "while you were away", { room });
    expect((await h.call("POST", `/api/rooms/${room}/join`, { token: ben.token })).status).toBe(200);
    expect(await entry(room)).toMatchObject({ unread: 0 });

    // An invitation too.
    const cat = await newUser(h, "cat");
    expect((await h.call("POST", `/api/rooms/${room}/members`, { token: ann.token, body: { userId: cat.userId } })).status).toBe(201);
    expect((await conversations(cat)).find((c) => c.conversation === room)).toMatchObject({ unread: 0 });
  });

  it("does not count a room's messages from a user the caller blocks (shown collapsed), and counts them again after an unblock", async () => {
    const [ann, ben, cat] = await Promise.all([newUser(h, "ann"), newUser(h, "ben"), newUser(h, "cat")]);
    const room = await createRoom(ann, uniqueName("Mixed "));
    for (const member of [ben, cat]) expect((await h.call("POST", `/api/rooms/${room}/join`, { token: member.token })).status).toBe(200);
    expect((await h.call("PUT", `/api/blocks/${ben.userId}`, { token: ann.token })).status).toBe(204);
    await store(ben, "from the blocked one", { room });
    await store(cat, "from a friend", { room });
    await store(ben, "blocked again", { room });
    const unread = async () => (await conversations(ann)).find((c) => c.conversation === room)?.unread;
    expect(await unread()).toBe(1);
    expect((await myRooms(ann)).find((r) => r.roomId === room)?.unread).toBe(1);
    expect((await h.call("DELETE", `/api/blocks/${ben.userId}`, { token: ann.token })).status).toBe(204);
    expect(await unread()).toBe(3);
  });

  it("previews each conversation's newest message as it reads now: edited, deleted, behind reactions, cut to 200 characters", async () => {
    const [ann, ben] = await Promise.all([newUser(h, "ann"), newUser(h, "ben")]);
    const room = await createRoom(ann, uniqueName("Preview "));
    expect((await h.call("POST", `/api/rooms/${room}/join`, { token: ben.token })).status).toBe(200);
    const first = await store(ben, "plans for friday", { room });
    await store(ben, "plans for saturday", { room, editOf: first });
    const newest = await store(ann, "👍", { room, reactTo: first, reaction: "👍" });
    const previewOf = async (conversation: string) => (await conversations(ann)).find((c) => c.conversation === conversation);
    expect(await previewOf(room)).toMatchObject({ lastMsgId: newest, last: { msgId: first, from: ben.userId, text: "plans for saturday", edited: true, deleted: false } });
    await store(ben, "", { room, editOf: first, deleted: true });
    expect((await previewOf(room))?.last).toMatchObject({ msgId: first, text: "", deleted: true });

    // A long text is cut (by characters: an emoji is never split); a chat whose newest 20 entries are all events has none.
    const long = "é".repeat(150) + "😀".repeat(100);
    const p1 = await store(ben, long, { to: ann.userId });
    expect((await previewOf(ben.userId))?.last).toMatchObject({ msgId: p1, text: "é".repeat(150) + "😀".repeat(50) });
    for (let i = 0; i < 20; i++) await store(ann, i % 2 ? "" : "🎉", { to: ben.userId, reactTo: p1, reaction: i % 2 ? "" : "🎉" });
    const chat = await previewOf(ben.userId);
    expect(chat).toMatchObject({ conversation: ben.userId });
    expect(chat).not.toHaveProperty("last");
  });

  it("answers 401 without a token", async () => {
    await expectError(await h.call("GET", "/api/conversations"), 401, "unauthorized");
  });
});

describe("GET /api/rooms", () => {
  it("lists the caller's rooms, everyone first, then by name, with unread counts and the newest msgId", async () => {
    const [fay, gus] = await Promise.all([newUser(h, "fay"), newUser(h, "gus")]);
    const groupRead = await readGroup(fay);
    const stem = uniqueName("");
    const zoo = await createRoom(fay, `Zoo ${stem}`, "private");
    const art = await createRoom(gus, `art ${stem}`);
    await h.call("POST", `/api/rooms/${art}/join`, { token: fay.token });
    const a1 = await store(gus, "paint", { room: art });
    await createRoom(gus, `Not mine ${stem}`);

    expect(await myRooms(fay)).toEqual([
      { roomId: "everyone", name: "Everyone", visibility: "public", owner: "", unread: 0, lastMsgId: groupRead },
      { roomId: art, name: `art ${stem}`, visibility: "public", owner: gus.userId, unread: 1, lastMsgId: a1 },
      { roomId: zoo, name: `Zoo ${stem}`, visibility: "private", owner: fay.userId, unread: 0, lastMsgId: "" },
    ]);
    await h.services.reads.setRead(fay.userId, art, a1);
    expect((await myRooms(fay))[1]).toMatchObject({ roomId: art, unread: 0 });
  });

  it("answers 401 without a token", async () => {
    await expectError(await h.call("GET", "/api/rooms"), 401, "unauthorized");
  });
});
