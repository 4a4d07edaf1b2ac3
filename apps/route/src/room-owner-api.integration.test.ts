// What a room's owner may do over HTTP (rename, remove a member) and what nobody else may, through app.request()
// on real Redis and ZooKeeper; a removal is announced as the member's leave, a rename as `renamed`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, type ClusterMessage } from "@cim/state";
import { expectError, newUser, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { recordBus, type BusRecorder } from "./testing/bus-recorder.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface RoomAnswer {
  roomId: string;
  name: string;
  visibility: "public" | "private";
  owner: string;
}

/** Renames and removals one owner may make per window here (alice's in the other tests stay below it). */
const ROOM_CHANGES = 10;

let h: RouteHarness;
let bus: BusRecorder;
let alice: LoginAnswer;
let bob: LoginAnswer;
let carol: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness({ CIM_ROOM_CHANGES_PER_USER: String(ROOM_CHANGES) });
  bus = await recordBus(h.redis);
  alice = await newUser(h, "alice");
  bob = await newUser(h, "bob");
  carol = await newUser(h, "carol");
});
afterAll(async () => {
  bus?.stop();
  await h?.stop();
});

async function create(owner: LoginAnswer, name: string, visibility: "public" | "private", members: LoginAnswer[] = []): Promise<RoomAnswer> {
  const res = await h.call("POST", "/api/rooms", { token: owner.token, body: { name, visibility } });
  expect(res.status).toBe(201);
  const room = (await res.json()) as RoomAnswer;
  for (const member of members) expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: owner.token, body: { userId: member.userId } })).status).toBe(201);
  return room;
}

async function json<T>(res: Response, status = 200): Promise<T> {
  expect(res.status).toBe(status);
  return (await res.json()) as T;
}

const memberIds = async (as: LoginAnswer, roomId: string) =>
  (await json<{ members: Array<{ userId: string }> }>(await h.call("GET", `/api/rooms/${roomId}/members`, { token: as.token }))).members.map((m) => m.userId);
const roomIds = async (as: LoginAnswer) => (await json<{ rooms: RoomAnswer[] }>(await h.call("GET", "/api/rooms", { token: as.token }))).rooms.map((r) => r.roomId);
const conversationIds = async (as: LoginAnswer) =>
  (await json<{ conversations: Array<{ conversation: string }> }>(await h.call("GET", "/api/conversations", { token: as.token }))).conversations.map((c) => c.conversation);
const event = (roomId: string, userId: string, kind: string) => (m: ClusterMessage) =>
  m.type === "room" && m.room === roomId && m.userId === userId && m.kind === kind;

describe("DELETE /api/rooms/{roomId}/members/{userId}", () => {
  it("the owner removes a member: 204, announced as the member's leave by the owner; the room is gone from the member's lists, history and sends", async () => {
    const room = await create(alice, uniqueName("Misbehaving "), "private", [bob, carol]);
    const roomBus = await recordBus(h.redis, [channels.room(room.roomId)]);
    const remove = await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: alice.token });
    expect(remove.status).toBe(204);
    expect(await remove.text()).toBe("");
    const left = { type: "room", room: room.roomId, name: room.name, userId: bob.userId, userName: bob.userName, kind: "left", by: alice.userId, byName: alice.userName };
    expect(await bus.waitFor(event(room.roomId, bob.userId, "left"))).toEqual({ ...left, channel: "cim-bus:all" });
    // A quiet copy on the room's channel, in order with its wake-ups, stops bob's delivery before a later message.
    expect(await roomBus.waitFor(event(room.roomId, bob.userId, "left"))).toEqual({ ...left, quiet: true, channel: channels.room(room.roomId) });
    roomBus.stop();
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId, carol.userId]);
    expect(await roomIds(bob)).not.toContain(room.roomId);
    expect(await conversationIds(bob)).not.toContain(room.roomId);
    await expectError(await h.call("GET", `/api/history?room=${room.roomId}`, { token: bob.token }), 403, "not_member");
    await expectError(await h.call("POST", "/api/messages", { token: bob.token, body: { room: room.roomId, text: "still here?" } }), 403, "not_member");
    // A private room needs a new invitation; a second removal finds no member.
    await expectError(await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token }), 403, "forbidden");
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: alice.token }), 404, "not_found");
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: carol.token, body: { userId: bob.userId } })).status).toBe(201);
    expect(await roomIds(bob)).toContain(room.roomId);
  });

  it("a member removed from a public room may join it again", async () => {
    const room = await create(alice, uniqueName("Open door "), "public", [bob]);
    expect((await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: alice.token })).status).toBe(204);
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId]);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token })).status).toBe(200);
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId, bob.userId]);
  });

  it("answers 403 forbidden to a member who is not the owner and for everyone, 400 bad_request to the owner removing itself", async () => {
    const room = await create(alice, uniqueName("Owned "), "private", [bob, carol]);
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${carol.userId}`, { token: bob.token }), 403, "forbidden");
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${alice.userId}`, { token: bob.token }), 403, "forbidden");
    await expectError(await h.call("DELETE", `/api/rooms/everyone/members/${bob.userId}`, { token: alice.token }), 403, "forbidden");
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${alice.userId}`, { token: alice.token }), 400, "bad_request");
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId, bob.userId, carol.userId]);
  });

  it("answers 404 not_found for an unknown room, and for a user who is not a member or no user", async () => {
    const room = await create(alice, uniqueName("Small "), "public");
    await expectError(await h.call("DELETE", `/api/rooms/r987654321/members/${bob.userId}`, { token: alice.token }), 404, "not_found");
    await expectError(await h.call("DELETE", `/api/rooms/nonsense/members/${bob.userId}`, { token: alice.token }), 404, "not_found");
    for (const userId of [bob.userId, "987654321987"]) {
      await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${userId}`, { token: alice.token }), 404, "not_found");
    }
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`), 401, "unauthorized");
    // The same call for a member is the removal.
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token })).status).toBe(200);
    expect((await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: alice.token })).status).toBe(204);
  });
});

describe("PATCH /api/rooms/{roomId}", () => {
  it("the owner renames: 200 {roomId, name, visibility, owner}, announced as renamed; lists and the directory follow", async () => {
    const room = await create(alice, uniqueName("Old name "), "public", [bob]);
    const name = uniqueName("New name ");
    const res = await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: alice.token, body: { name: `  ${name} ` } });
    expect(await json(res)).toEqual({ ...room, name });
    expect(await bus.waitFor(event(room.roomId, alice.userId, "renamed"))).toEqual({
      type: "room", room: room.roomId, name, userId: alice.userId, userName: alice.userName, kind: "renamed", channel: "cim-bus:all",
    });
    const mine = await json<{ rooms: RoomAnswer[] }>(await h.call("GET", "/api/rooms", { token: bob.token }));
    expect(mine.rooms.find((r) => r.roomId === room.roomId)?.name).toBe(name);
    const found = await json<{ rooms: RoomAnswer[] }>(await h.call("GET", `/api/rooms/public?prefix=${encodeURIComponent(name)}`, { token: carol.token }));
    expect(found.rooms.map((r) => r.roomId)).toEqual([room.roomId]);
    const old = await json<{ rooms: RoomAnswer[] }>(await h.call("GET", `/api/rooms/public?prefix=${encodeURIComponent(room.name)}`, { token: carol.token }));
    expect(old.rooms).toEqual([]);
  });

  it("keeps the rename in the room's history: the event comes with the page that holds the message before it, after a reload too", async () => {
    const room = await create(alice, uniqueName("Before "), "private", [bob]);
    type Page = { messages: Array<{ msgId: string; text: string }>; events: Array<Record<string, unknown>> };
    const history = async (query = "") => json<Page>(await h.call("GET", `/api/history?room=${room.roomId}${query}`, { token: bob.token }));
    const say = async (text: string) => json<{ msgId: string }>(await h.call("POST", "/api/messages", { token: alice.token, body: { room: room.roomId, text } }), 202);
    // Renames only, unless asked for all (a client that took every event for a rename keeps working).
    const invited = { kind: "invited", name: "", userId: bob.userId, userName: bob.userName, by: alice.userId, byName: alice.userName, after: "0", ts: expect.any(Number) };
    expect((await history()).events).toEqual([]);
    expect((await history("&events=all")).events).toEqual([invited]);
    const first = await say("before the rename");
    const name = uniqueName("After ");
    expect((await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: alice.token, body: { name } })).status).toBe(200);
    const second = await say("after the rename");
    const renamed = { kind: "renamed", name, userId: alice.userId, userName: alice.userName, after: first.msgId, ts: expect.any(Number) };
    const page = await history();
    expect(page.messages.map((m) => m.text)).toEqual(["before the rename", "after the rename"]);
    expect(page.events).toEqual([renamed]);
    expect((await history("&events=all")).events).toEqual([invited, renamed]);
    // One page each: with the message before it, not with the newer page that starts after it.
    expect((await history(`&limit=1`)).events).toEqual([]);
    expect((await history(`&before=${second.msgId}&limit=1`)).events).toEqual([renamed]);
    expect((await history(`&before=${first.msgId}&limit=1`)).events).toEqual([]);
    expect((await history(`&before=${first.msgId}&limit=1&events=all`)).events).toEqual([invited]);
    // A name it has already is no rename: nothing more is kept.
    expect((await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: alice.token, body: { name } })).status).toBe(200);
    expect((await history("&events=all")).events).toEqual([invited, renamed]);
    await expectError(await h.call("GET", `/api/history?room=${room.roomId}&events=some`, { token: bob.token }), 400, "bad_request");
  });

  it("keeps members coming and going in the room's history, each after the messages stored before it; a repeated join keeps nothing", async () => {
    // Its own owner: alice's changes in the other tests stay below the limit.
    const owner = await newUser(h, "dave");
    const room = await create(owner, uniqueName("Comings "), "public");
    type Page = { messages: Array<{ msgId: string; text: string }>; events: Array<Record<string, unknown>> };
    const history = async (as: LoginAnswer) => json<Page>(await h.call("GET", `/api/history?room=${room.roomId}&events=all`, { token: as.token }));
    const say = async (text: string) => json<{ msgId: string }>(await h.call("POST", "/api/messages", { token: owner.token, body: { room: room.roomId, text } }), 202);
    const one = await say("one");
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token })).status).toBe(200);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token })).status).toBe(200);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: bob.token, body: { userId: carol.userId } })).status).toBe(201);
    const two = await say("two");
    expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: carol.token })).status).toBe(204);
    expect((await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: owner.token })).status).toBe(204);
    const ts = expect.any(Number);
    const expected = [
      { kind: "joined", name: "", userId: bob.userId, userName: bob.userName, after: one.msgId, ts },
      { kind: "invited", name: "", userId: carol.userId, userName: carol.userName, by: bob.userId, byName: bob.userName, after: one.msgId, ts },
      { kind: "left", name: "", userId: carol.userId, userName: carol.userName, after: two.msgId, ts },
      { kind: "left", name: "", userId: bob.userId, userName: bob.userName, by: owner.userId, byName: owner.userName, after: two.msgId, ts },
    ];
    const page = await history(owner);
    expect(page.messages.map((m) => m.text)).toEqual(["one", "two"]);
    expect(page.events).toEqual(expected);
    // A member who joins later reads them too, with the messages.
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: carol.token })).status).toBe(200);
    expect((await history(carol)).events).toEqual([...expected, { kind: "joined", name: "", userId: carol.userId, userName: carol.userName, after: two.msgId, ts }]);
  });

  it("answers 403 forbidden to a member who is not the owner and for everyone, 404 not_found for an unknown room", async () => {
    const room = await create(alice, uniqueName("Mine "), "private", [bob]);
    await expectError(await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: bob.token, body: { name: "Bob's now" } }), 403, "forbidden");
    await expectError(await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: carol.token, body: { name: "Carol's now" } }), 403, "forbidden");
    await expectError(await h.call("PATCH", "/api/rooms/everyone", { token: alice.token, body: { name: "All of us" } }), 403, "forbidden");
    await expectError(await h.call("PATCH", "/api/rooms/r987654321", { token: alice.token, body: { name: "Nothing" } }), 404, "not_found");
    expect((await json<RoomAnswer>(await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: alice.token }))).name).toBe(room.name);
  });

  it("answers 400 bad_request for a name POST /api/rooms refuses", async () => {
    const room = await create(alice, uniqueName("Valid "), "public");
    for (const body of [{}, { name: "" }, { name: "   " }, { name: "x".repeat(65) }, { name: "bell\u0007" }, { name: "a\u202egnp.exe" }, { name: 42 }]) {
      await expectError(await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: alice.token, body }), 400, "bad_request");
    }
    expect((await json<RoomAnswer>(await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: alice.token }))).name).toBe(room.name);
  });
});

describe("an owner who left", () => {
  it("manages the room no longer: 403 to its renames and removals (no answer tells who is a member), and again once back", async () => {
    const owner = await newUser(h, "leaver");
    const room = await create(owner, uniqueName("Left behind "), "private", [bob]);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: owner.token })).status).toBe(204);
    await expectError(await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: owner.token, body: { name: "Still mine" } }), 403, "forbidden");
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: owner.token }), 403, "forbidden");
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${carol.userId}`, { token: owner.token }), 403, "forbidden");
    expect(await memberIds(bob, room.roomId)).toEqual([bob.userId]);
    expect((await json<{ rooms: RoomAnswer[] }>(await h.call("GET", "/api/rooms", { token: bob.token }))).rooms.find((r) => r.roomId === room.roomId)?.name).toBe(room.name);

    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: bob.token, body: { userId: owner.userId } })).status).toBe(201);
    expect((await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: owner.token, body: { name: uniqueName("Mine again ") } })).status).toBe(200);
  });
});

describe("a removal naming no userId", () => {
  it("is 400 bad_request, as every malformed id a client sends, and spends none of the owner's changes", async () => {
    const erin = await newUser(h, "erin");
    const room = await create(erin, uniqueName("Ids "), "private", [bob]);
    // More than the owner's changes per window: each was counted before it was found malformed.
    for (let i = 0; i < ROOM_CHANGES; i++) {
      for (const userId of ["bob", `0${bob.userId}`]) {
        await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${userId}`, { token: erin.token }), 400, "bad_request");
      }
    }
    expect((await memberIds(erin, room.roomId)).sort()).toEqual([bob.userId, erin.userId].sort());
    expect((await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: erin.token })).status).toBe(204);
  });
});

describe("an owner's renames and removals", () => {
  it("are limited per user (429 with Retry-After, nothing changed); another owner is not affected", async () => {
    const dave = await newUser(h, "dave");
    const room = await create(dave, uniqueName("Loop "), "public", [bob]);
    for (let i = 0; i < ROOM_CHANGES; i++) {
      expect((await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: dave.token, body: { name: `${room.name} ${i}` } })).status).toBe(200);
    }
    const renamed = await h.call("PATCH", `/api/rooms/${room.roomId}`, { token: dave.token, body: { name: `${room.name} again` } });
    await expectError(renamed.clone(), 429, "rate_limited");
    expect(Number(renamed.headers.get("retry-after"))).toBeGreaterThan(0);
    await expectError(await h.call("DELETE", `/api/rooms/${room.roomId}/members/${bob.userId}`, { token: dave.token }), 429, "rate_limited");
    expect(await memberIds(dave, room.roomId)).toEqual([bob.userId, dave.userId]);
    expect((await json<{ rooms: RoomAnswer[] }>(await h.call("GET", "/api/rooms", { token: bob.token }))).rooms.find((r) => r.roomId === room.roomId)?.name)
      .toBe(`${room.name} ${ROOM_CHANGES - 1}`);

    const own = await create(carol, uniqueName("Unaffected "), "private");
    expect((await h.call("PATCH", `/api/rooms/${own.roomId}`, { token: carol.token, body: { name: uniqueName("Still mine ") } })).status).toBe(200);
  });
});
