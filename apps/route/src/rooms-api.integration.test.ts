// Rooms over HTTP (create, directory, join, invite, leave, members) as a client sees them, through app.request()
// on real Redis and ZooKeeper; membership changes are announced on cim-bus:all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, type ClusterMessage } from "@cim/state";
import { expectError, newUser, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { recordBus, type BusRecorder } from "./testing/bus-recorder.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface RoomAnswer {
  roomId: string;
  name: string;
  visibility: "public" | "private";
  owner: string;
}
interface Member {
  userId: string;
  userName: string;
  online: boolean;
}

let h: RouteHarness;
let bus: BusRecorder;
let alice: LoginAnswer;
let bob: LoginAnswer;
let carol: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  bus = await recordBus(h.redis);
  // One after the other: their ids increase, as member lists are ordered.
  alice = await newUser(h, "alice");
  bob = await newUser(h, "bob");
  carol = await newUser(h, "carol");
});
afterAll(async () => {
  bus?.stop();
  await h?.stop();
});

async function create(owner: LoginAnswer, name: string, visibility: "public" | "private"): Promise<RoomAnswer> {
  const res = await h.call("POST", "/api/rooms", { token: owner.token, body: { name, visibility } });
  expect(res.status).toBe(201);
  return (await res.json()) as RoomAnswer;
}

async function members(as: LoginAnswer, roomId: string): Promise<Member[]> {
  const res = await h.call("GET", `/api/rooms/${roomId}/members`, { token: as.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { members: Member[] }).members;
}

const memberIds = async (as: LoginAnswer, roomId: string) => (await members(as, roomId)).map((m) => m.userId);
const event = (roomId: string, userId: string, kind: string) => (m: ClusterMessage) =>
  m.type === "room" && m.room === roomId && m.userId === userId && m.kind === kind;
const events = (roomId: string) => bus.messages.filter((m) => m.type === "room" && m.room === roomId);

describe("POST /api/rooms", () => {
  it("answers 201 {roomId, name, visibility, owner} with the name trimmed; the creator is its member, announced as joined", async () => {
    const name = uniqueName("Book club ");
    const res = await h.call("POST", "/api/rooms", { token: alice.token, body: { name: `  ${name}\t`, visibility: "public" } });
    expect(res.status).toBe(201);
    const room = (await res.json()) as RoomAnswer;
    expect(room).toEqual({ roomId: expect.stringMatching(/^r[0-9]+$/), name, visibility: "public", owner: alice.userId });
    expect(await members(alice, room.roomId)).toEqual([{ userId: alice.userId, userName: alice.userName, online: false }]);
    expect(await bus.waitFor(event(room.roomId, alice.userId, "joined"))).toEqual({
      type: "room", room: room.roomId, name, userId: alice.userId, userName: alice.userName, kind: "joined", after: "0", channel: "cim-bus:all",
    });
    const other = await create(alice, name, "private");
    expect(other.roomId).not.toBe(room.roomId);
  });

  it("answers 400 bad_request for a missing, blank, too long or control-character name, and a missing or unknown visibility", async () => {
    const bodies: unknown[] = [
      { visibility: "public" },
      { name: "", visibility: "public" },
      { name: "   ", visibility: "public" },
      // Shows nothing: a Hangul filler (a letter), a zero-width joiner.
      { name: "\u3164", visibility: "public" },
      { name: "\u3164\u200D\u3164", visibility: "public" },
      // The group's name: a room called so would pass for it.
      { name: "Everyone", visibility: "public" },
      { name: " everyONE ", visibility: "private" },
      // Or one that reads as it: a Greek capital Epsilon, a fullwidth e (added 2026-11-29).
      { name: "\u0395veryone", visibility: "public" },
      { name: "\uff45veryone", visibility: "public" },
      { name: "x".repeat(65), visibility: "public" },
      { name: "😀".repeat(65), visibility: "public" },
      { name: "bell\u0007", visibility: "public" },
      { name: "nul\u0000", visibility: "public" },
      { name: 42, visibility: "public" },
      { name: "no visibility" },
      { name: "secretive", visibility: "hidden" },
      [],
    ];
    for (const body of bodies) await expectError(await h.call("POST", "/api/rooms", { token: alice.token, body }), 400, "bad_request");
    expect((await create(alice, "y".repeat(64), "public")).name).toBe("y".repeat(64));
    // Characters are code points (CONTRACT.md), as zod counts them: 64 emoji of two UTF-16 units each fit.
    expect((await create(alice, "😀".repeat(64), "public")).name).toBe("😀".repeat(64));
  });

  it("answers 400 bad_request for a name with text-direction overrides, invisible characters or a lone surrogate; keeps letters, marks and emoji joiners", async () => {
    // "a\u202egnp.exe" shows as "aexe.png", and an unclosed override or isolate reorders the text after it.
    // Since 2026-11-29 also invisible code points where they show nothing: ZWNJ or a direction mark between Latin
    // letters, tag characters outside a flag, Hangul fillers.
    for (const name of ["a\u202egnp.exe", "\u2066isolate", "left\u202aembed", "zero\u200bwidth", "word\u2060joiner", "b\ufeffom", "line\u2028break", "lone\ud800",
      "Book\u200cclub", "Book\u200eclub", "Book\u{e0041}\u{e0042}club", "club\u3164"]) {
      await expectError(await h.call("POST", "/api/rooms", { token: alice.token, body: { name, visibility: "public" } }), 400, "bad_request");
    }
    const namer = await newUser(h, "namer");
    for (const name of ["\u05e9\u05dc\u05d5\u05dd \u200fchat", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "family \u{1f468}\u200d\u{1f469}\u200d\u{1f467}", "caf\u0065\u0301",
      "\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} fans"]) {
      expect((await create(namer, name, "private")).name).toBe(name);
    }
  });

  it("says one reason for a refused name, not also each rule after it that the same character breaks", async () => {
    const reason = async (name: string) => (await expectError(await h.call("POST", "/api/rooms", { token: alice.token, body: { name, visibility: "public" } }), 400, "bad_request")).error.message;
    // The web app showed "The name may not hold control, invisible or text-direction characters. The name may not hold
    // invisible characters.", and for a name of spaces "name is required" twice.
    expect(await reason("zero\u200bwidth")).toBe("name: name may not hold control, invisible or text-direction characters");
    expect(await reason("nul\u0000")).toBe("name: name may not hold control, invisible or text-direction characters");
    expect(await reason("   ")).toBe("name: name is required");
    expect(await reason("\u3164")).toBe("name: name is required");
    expect(await reason(`${"z".repeat(65)}\u200b`)).toBe("name: name is at most 64 characters");
  });

  it("answers 401 without a token and 415 for a body that is not JSON", async () => {
    await expectError(await h.call("POST", "/api/rooms", { body: { name: "anon", visibility: "public" } }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/rooms", { token: alice.token, body: "name=x", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
  });
});

describe("GET /api/rooms/public", () => {
  it("lists public rooms by case-insensitive name prefix with their member counts and owners, never private ones", async () => {
    const stem = uniqueName("dir");
    const one = await create(alice, `${stem} One`, "public");
    const two = await create(bob, `${stem.toUpperCase()} Two`, "public");
    // Names are not unique: a second "One" of another owner is told apart by its owner (and member count).
    const twin = await create(bob, `${stem} One`, "public");
    await create(carol, `${stem} Hidden`, "private");
    expect((await h.call("POST", `/api/rooms/${one.roomId}/join`, { token: carol.token })).status).toBe(200);
    const res = await h.call("GET", `/api/rooms/public?prefix=${stem}`, { token: carol.token });
    expect(res.status).toBe(200);
    const ones = [
      { roomId: one.roomId, name: `${stem} One`, members: 2, owner: alice.userId, ownerName: alice.userName },
      { roomId: twin.roomId, name: `${stem} One`, members: 1, owner: bob.userId, ownerName: bob.userName },
    ].sort((a, b) => (a.roomId < b.roomId ? -1 : 1)); // one name key: by roomId as text
    expect(await res.json()).toEqual({ rooms: [...ones, { roomId: two.roomId, name: `${stem.toUpperCase()} Two`, members: 1, owner: bob.userId, ownerName: bob.userName }] });
    const limited = (await (await h.call("GET", `/api/rooms/public?prefix=${stem}&limit=1`, { token: carol.token })).json()) as { rooms: unknown[] };
    expect(limited.rooms).toHaveLength(1);
    const none = await h.call("GET", `/api/rooms/public?prefix=${encodeURIComponent(`${stem} Hid`)}`, { token: carol.token });
    expect(await none.json()).toEqual({ rooms: [] });
  });

  it("lists rooms in the order GET /api/rooms lists them: by name key (compatibility forms folded, lowercase), code point by code point", async () => {
    const owner = await newUser(h, "sorter");
    const stem = uniqueName("ord");
    // Accents and fullwidth letters are where a locale's collation and the directory's byte order part ways.
    for (const tail of ["Zeta", "Älpha", "beta", "_under", "ｆull", "Beta", "éclair"]) await create(owner, `${stem} ${tail}`, "public");
    const mine = ((await (await h.call("GET", "/api/rooms", { token: owner.token })).json()) as { rooms: RoomAnswer[] }).rooms;
    const directory = ((await (await h.call("GET", `/api/rooms/public?prefix=${stem}`, { token: owner.token })).json()) as { rooms: RoomAnswer[] }).rooms;
    expect(mine[0]?.roomId).toBe("everyone");
    expect(directory).toHaveLength(7);
    expect(mine.slice(1).map((room) => room.roomId)).toEqual(directory.map((room) => room.roomId));
  });

  it("answers 400 bad_request for a limit outside 1..50 or not in decimal digits, and 401 without a token", async () => {
    for (const query of ["?limit=0", "?limit=51", "?limit=many", "?limit=0x10", "?limit=1e1", "?limit=%205", "?limit=", `?prefix=${"p".repeat(65)}`]) {
      await expectError(await h.call("GET", `/api/rooms/public${query}`, { token: alice.token }), 400, "bad_request");
    }
    // Its message names the bound, as the other prefixes' do (it said zod's "Too big: expected string to have <=64 characters").
    const long = await expectError(await h.call("GET", `/api/rooms/public?prefix=${"p".repeat(65)}`, { token: alice.token }), 400, "bad_request");
    expect(long.error.message).toBe("prefix: prefix is at most 64 characters");
    await expectError(await h.call("GET", "/api/rooms/public"), 401, "unauthorized");
  });
});

describe("POST /api/rooms/{roomId}/join", () => {
  it("answers 200 {roomId, name, visibility, owner} for a public room and makes the caller a member, announced once", async () => {
    const room = await create(alice, uniqueName("Open "), "public");
    const res = await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(room);
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId, bob.userId]);
    await bus.waitFor(event(room.roomId, bob.userId, "joined"));
    // Joining again changes nothing and announces nothing.
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token })).status).toBe(200);
    await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: alice.token });
    await bus.waitFor(event(room.roomId, alice.userId, "left"));
    expect(events(room.roomId).filter((m) => m.type === "room" && m.userId === bob.userId)).toHaveLength(1);
  });

  it("answers 403 forbidden for a private room the caller is not in, 200 for one the caller is in", async () => {
    const room = await create(alice, uniqueName("Closed "), "private");
    await expectError(await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token }), 403, "forbidden");
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId]);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: alice.token })).status).toBe(200);
  });

  it("answers 404 not_found for a room that does not exist or an id that is no roomId, and 200 for everyone", async () => {
    for (const roomId of ["r987654321", "nonsense", "r", "r1x"]) {
      await expectError(await h.call("POST", `/api/rooms/${roomId}/join`, { token: bob.token }), 404, "not_found");
    }
    const res = await h.call("POST", "/api/rooms/everyone/join", { token: bob.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ roomId: "everyone", name: "Everyone", visibility: "public", owner: "" });
  });
});

describe("POST /api/rooms/{roomId}/leave", () => {
  it("answers 204 and ends the membership, announced as left; a second leave answers 404", async () => {
    const room = await create(alice, uniqueName("Leaving "), "public");
    await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token });
    const res = await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: bob.token });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId]);
    expect(await bus.waitFor(event(room.roomId, bob.userId, "left"))).toMatchObject({ name: room.name, userName: bob.userName });
    await expectError(await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: bob.token }), 404, "not_found");
  });

  it("a leave's quiet copy goes on the room's channel, as a removal's: a gateway hears it before the wake-up of any message stored after the leave", async () => {
    const room = await create(alice, uniqueName("Quiet leave "), "public");
    await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token });
    const roomBus = await recordBus(h.redis, [channels.room(room.roomId)]);
    try {
      expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: bob.token })).status).toBe(204);
      const sent = await h.call("POST", "/api/messages", { token: alice.token, body: { room: room.roomId, text: "after bob left" } });
      expect(sent.status).toBe(202);
      // Before, route announced a leave on cim-bus:all only, after its script: a message stored in between woke the
      // gateways first, and they sent it to the leaver's sessions.
      await roomBus.waitFor((m) => m.type === "roomMessage");
      const left = { type: "room", room: room.roomId, name: room.name, userId: bob.userId, userName: bob.userName, kind: "left", quiet: true, channel: channels.room(room.roomId) };
      expect(roomBus.messages.map((m) => (m.type === "roomMessage" ? "message" : m))).toEqual([left, "message"]);
    } finally {
      roomBus.stop();
    }
  });

  it("answers 403 forbidden for everyone, 404 not_found for an unknown room or one the caller is not in", async () => {
    await expectError(await h.call("POST", "/api/rooms/everyone/leave", { token: bob.token }), 403, "forbidden");
    await expectError(await h.call("POST", "/api/rooms/r987654321/leave", { token: bob.token }), 404, "not_found");
    const room = await create(alice, uniqueName("Not yours "), "public");
    await expectError(await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: carol.token }), 404, "not_found");
  });

  it("the owner may leave too; the room lives on for the others", async () => {
    const room = await create(alice, uniqueName("Owner leaves "), "private");
    await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: bob.userId } });
    expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: alice.token })).status).toBe(204);
    expect(await memberIds(bob, room.roomId)).toEqual([bob.userId]);
    await expectError(await h.call("GET", `/api/rooms/${room.roomId}/members`, { token: alice.token }), 403, "forbidden");
  });
});

describe("POST /api/rooms/{roomId}/members", () => {
  it("a member invites anyone into a private room: 201 {roomId, userId, userName}, announced as invited by that member", async () => {
    const room = await create(alice, uniqueName("Invite only "), "private");
    const sent = await h.call("POST", "/api/messages", { token: alice.token, body: { room: room.roomId, text: "before bob" } });
    const { msgId } = (await sent.json()) as { msgId: string };
    const res = await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: bob.userId } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ roomId: room.roomId, userId: bob.userId, userName: bob.userName });
    expect(await bus.waitFor(event(room.roomId, bob.userId, "invited"))).toEqual({
      // Bob's sessions get the room's messages after the one sent before he was invited.
      // by, byName: who added him (his sessions' RoomEvent carries both).
      type: "room", room: room.roomId, name: room.name, userId: bob.userId, userName: bob.userName, kind: "invited", after: msgId, by: alice.userId, byName: alice.userName, channel: "cim-bus:all",
    });
    // The invited member may invite in turn, and now sees the members.
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: bob.token, body: { userId: carol.userId } })).status).toBe(201);
    expect(await memberIds(bob, room.roomId)).toEqual([alice.userId, bob.userId, carol.userId]);
    // Inviting a member again is answered the same, and announces nothing.
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: bob.userId } })).status).toBe(201);
    await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: carol.token });
    await bus.waitFor(event(room.roomId, carol.userId, "left"));
    expect(events(room.roomId).filter((m) => m.type === "room" && m.kind === "invited" && m.userId === bob.userId)).toHaveLength(1);
  });

  it("answers 403 forbidden to a caller who is not a member, public room or not", async () => {
    for (const visibility of ["public", "private"] as const) {
      const room = await create(alice, uniqueName("Members invite "), visibility);
      await expectError(await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: bob.token, body: { userId: carol.userId } }), 403, "forbidden");
      expect(await memberIds(alice, room.roomId)).toEqual([alice.userId]);
    }
  });

  it("answers 403 blocked when the user blocks the caller, or the caller blocks the user, and adds nobody", async () => {
    const dave = await newUser(h, "dave");
    const room = await create(alice, uniqueName("Blocked invite "), "private");
    expect((await h.call("PUT", `/api/blocks/${alice.userId}`, { token: dave.token })).status).toBe(204);
    const refused = await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: dave.userId } });
    await expectError(refused, 403, "blocked");
    // Unblocked, then blocked the other way: the inviter must unblock first, as for a private message.
    expect((await h.call("DELETE", `/api/blocks/${alice.userId}`, { token: dave.token })).status).toBe(204);
    expect((await h.call("PUT", `/api/blocks/${dave.userId}`, { token: alice.token })).status).toBe(204);
    await expectError(await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: dave.userId } }), 403, "blocked");
    expect(await memberIds(alice, room.roomId)).toEqual([alice.userId]);
    expect((await h.call("DELETE", `/api/blocks/${dave.userId}`, { token: alice.token })).status).toBe(204);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: dave.userId } })).status).toBe(201);
  });

  it("answers 404 not_found for an unknown user or room, 400 bad_request for a userId that is no id", async () => {
    const room = await create(alice, uniqueName("Unknown "), "private");
    await expectError(await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body: { userId: "987654321987" } }), 404, "not_found");
    await expectError(await h.call("POST", "/api/rooms/r987654321/members", { token: alice.token, body: { userId: bob.userId } }), 404, "not_found");
    for (const body of [{ userId: bob.userName }, {}, { userId: 7 }]) {
      await expectError(await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: alice.token, body }), 400, "bad_request");
    }
  });
});

describe("GET /api/rooms/{roomId}/members", () => {
  it("answers {members:[{userId, userName, online}]} to anyone for a public room, with who is online", async () => {
    const room = await create(alice, uniqueName("Lobby "), "public");
    await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: bob.token });
    await h.services.sessions.claim(bob.userId, HARNESS_GATEWAY.id);
    expect(await members(carol, room.roomId)).toEqual([
      { userId: alice.userId, userName: alice.userName, online: false },
      { userId: bob.userId, userName: bob.userName, online: true },
    ]);
  });

  it("answers 403 forbidden to outsiders of a private room, 404 not_found for an unknown room", async () => {
    const room = await create(alice, uniqueName("Private "), "private");
    await expectError(await h.call("GET", `/api/rooms/${room.roomId}/members`, { token: carol.token }), 403, "forbidden");
    await expectError(await h.call("GET", "/api/rooms/r987654321/members", { token: carol.token }), 404, "not_found");
    await expectError(await h.call("GET", `/api/rooms/${room.roomId}/members`), 401, "unauthorized");
  });

  it("lists the online users as everyone's members", async () => {
    await h.services.sessions.claim(carol.userId, HARNESS_GATEWAY.id);
    const list = await members(alice, "everyone");
    expect(list).toContainEqual({ userId: carol.userId, userName: carol.userName, online: true });
    expect(list.every((m) => m.online)).toBe(true);
  });
});

describe("PUT /api/rooms/{roomId}/opened", () => {
  interface Listed {
    conversation: string;
    eventsSeen?: number;
  }
  const listed = async (as: LoginAnswer, roomId: string) => {
    const res = await h.call("GET", "/api/conversations", { token: as.token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { conversations: Listed[] }).conversations.find((c) => c.conversation === roomId);
  };
  const invitation = async (roomId: string, userId: string) => {
    const res = await h.call("GET", `/api/history?room=${roomId}&events=all`, { token: carol.token });
    const { events } = (await res.json()) as { events: Array<{ kind: string; userId: string; ts: number }> };
    return events.filter((e) => e.kind === "invited" && e.userId === userId).at(-1)!;
  };

  it("keeps an empty room's newest event as seen, which GET /api/conversations gives as eventsSeen; a leave forgets it", async () => {
    const room = await create(carol, uniqueName("Quiet "), "private");
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: carol.token, body: { userId: bob.userId } })).status).toBe(201);
    // Not opened yet: nothing says the invitation was seen (an empty room has no message to read past it).
    expect((await listed(bob, room.roomId))?.eventsSeen).toBeUndefined();
    expect((await h.call("PUT", `/api/rooms/${room.roomId}/opened`, { token: bob.token })).status).toBe(204);
    const seen = (await listed(bob, room.roomId))!.eventsSeen!;
    expect(seen).toBeGreaterThanOrEqual((await invitation(room.roomId, bob.userId)).ts);

    // Left, and added again later: the new invitation is news again.
    expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: bob.token })).status).toBe(204);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/members`, { token: carol.token, body: { userId: bob.userId } })).status).toBe(201);
    expect((await listed(bob, room.roomId))?.eventsSeen).toBeUndefined();
  });

  it("answers 403 forbidden to a non-member, 404 not_found for an unknown room, 204 for everyone (nothing kept), 401 without a token", async () => {
    const room = await create(carol, uniqueName("Closed "), "private");
    await expectError(await h.call("PUT", `/api/rooms/${room.roomId}/opened`, { token: alice.token }), 403, "forbidden");
    await expectError(await h.call("PUT", "/api/rooms/r999999999/opened", { token: alice.token }), 404, "not_found");
    expect((await h.call("PUT", "/api/rooms/everyone/opened", { token: alice.token })).status).toBe(204);
    expect((await listed(alice, "everyone"))?.eventsSeen).toBeUndefined();
    expect((await h.call("PUT", `/api/rooms/${room.roomId}/opened`)).status).toBe(401);
  });
});
