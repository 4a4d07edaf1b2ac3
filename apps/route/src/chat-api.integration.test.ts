// CONTRACT.md's online list, send-by-HTTP and history, as a client sees them, through app.request() on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DECIMAL_ID, MAX_TEXT_LENGTH } from "@cim/protocol";
import { MAX_BLOCKS_PER_USER, user } from "@cim/state";
import { expectError, loginUser, newUser, type LoginAnswer } from "./testing/api-client.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

interface Message {
  msgId: string;
  from: string;
  fromName: string;
  to: string;
  room: string;
  text: string;
  ts: number;
}

let h: RouteHarness;
let alice: LoginAnswer;
let bob: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  [alice, bob] = await Promise.all([newUser(h, "alice"), newUser(h, "bob")]);
});
afterAll(async () => h?.stop());

async function send(from: LoginAnswer, text: string, to?: string): Promise<string> {
  const res = await h.call("POST", "/api/messages", { token: from.token, body: to === undefined ? { text } : { to, text } });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { msgId: string };
  expect(body).toEqual({ msgId: expect.stringMatching(DECIMAL_ID) });
  return body.msgId;
}

async function history(as: LoginAnswer, query = ""): Promise<Message[]> {
  const res = await h.call("GET", `/api/history${query}`, { token: as.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: Message[] }).messages;
}

describe("GET /api/online", () => {
  it("answers 200 {users:[{userId, userName}]} with the users routed to a gateway, and no one else", async () => {
    const carol = await newUser(h, "carol");
    await h.services.sessions.claim(carol.userId, HARNESS_GATEWAY.id);
    const res = await h.call("GET", "/api/online", { token: alice.token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: Array<{ userId: string; userName: string }> };
    expect(Object.keys(body)).toEqual(["users"]);
    expect(body.users).toContainEqual({ userId: carol.userId, userName: carol.userName });
    // Logged in over HTTP but never connected to a gateway: not online.
    expect(body.users.map((u) => u.userId)).not.toContain(bob.userId);
  });

  it("answers 401 without a token", async () => {
    await expectError(await h.call("GET", "/api/online"), 401, "unauthorized");
  });
});

describe("POST /api/messages", () => {
  it("answers 202 {msgId} for a group message; it is stored with the sender from the token, whatever the body says", async () => {
    const msgId = await send(alice, "hello group");
    const forged = await h.call("POST", "/api/messages", { token: alice.token, body: { text: "forged", from: bob.userId, fromName: bob.userName } });
    expect(forged.status).toBe(202);
    const messages = await history(bob, "?limit=2");
    expect(messages).toEqual([
      { msgId, from: alice.userId, fromName: alice.userName, to: "", room: "", text: "hello group", ts: expect.any(Number) },
      expect.objectContaining({ from: alice.userId, fromName: alice.userName, text: "forged" }),
    ]);
  });

  it("answers 202 {msgId} for a private message; it is in that chat only", async () => {
    const direct = await send(alice, "just for bob", bob.userId);
    expect(await history(bob, `?with=${alice.userId}&limit=1`)).toEqual([
      { msgId: direct, from: alice.userId, fromName: alice.userName, to: bob.userId, room: "", text: "just for bob", ts: expect.any(Number) },
    ]);
    expect((await history(bob, "?limit=5")).map((m) => m.msgId)).not.toContain(direct);
  });

  it("answers 404 unknown_recipient for a userId that is no user", async () => {
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { to: "987654321987", text: "anyone?" } }), 404, "unknown_recipient");
  });

  it("answers 400 bad_request for a private message to yourself", async () => {
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { to: alice.userId, text: "me" } }), 400, "bad_request");
  });

  it("answers 400 bad_request for an empty, blank, missing or too long text (in UTF-16 units), and a `to` that is not a userId", async () => {
    const bodies: unknown[] = [
      { text: "" },
      { text: " \n\t " },
      // Nothing a reader sees: zero-width characters, a Hangul filler.
      { text: "\u200B\u200D \u3164" },
      {},
      { text: 42 },
      { text: "x".repeat(MAX_TEXT_LENGTH + 1) },
      // The limit counts UTF-16 units (String.length), as gateways do: 2,001 emoji are 4,002 of them.
      { text: "😀".repeat(MAX_TEXT_LENGTH / 2 + 1) },
      { to: bob.userName, text: "by name" },
    ];
    for (const body of bodies) await expectError(await h.call("POST", "/api/messages", { token: alice.token, body }), 400, "bad_request");
    // The longest allowed texts go through.
    await send(alice, "y".repeat(MAX_TEXT_LENGTH));
    await send(alice, "😀".repeat(MAX_TEXT_LENGTH / 2));
  });

  it("answers 401 without a token and 415 for a body that is not JSON", async () => {
    await expectError(await h.call("POST", "/api/messages", { body: { text: "anonymous" } }), 401, "unauthorized");
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: "text=hi", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type");
  });
});

describe("new private conversations per user (CIM_NEW_PEERS_PER_HOUR)", () => {
  it("past the hour's limit a message to a new peer is 429 rate_limited with Retry-After; chats already there and answers go on", async () => {
    const limited = h.variant({ CIM_NEW_PEERS_PER_HOUR: "2" });
    const [spammer, a, b, c, d] = await Promise.all(["spam", "pa", "pb", "pc", "pd"].map((name) => newUser(h, name)));
    const send = (from: LoginAnswer, to: LoginAnswer, text: string) => limited.call("POST", "/api/messages", { token: from.token, body: { to: to.userId, text } });
    expect((await send(d!, spammer!, "d writes first")).status).toBe(202);
    expect((await send(spammer!, a!, "to a")).status).toBe(202);
    expect((await send(spammer!, b!, "to b")).status).toBe(202);
    const refused = await send(spammer!, c!, "to c");
    expect(refused.headers.get("retry-after")).toBe("3600");
    await expectError(refused, 429, "rate_limited");
    const history = await limited.call("GET", `/api/history?with=${spammer!.userId}`, { token: c!.token });
    expect(((await history.json()) as { messages: unknown[] }).messages).toEqual([]);
    for (const to of [a!, b!, d!]) expect((await send(spammer!, to, "again")).status).toBe(202);
    expect((await send(c!, spammer!, "c writes")).status).toBe(202);
    expect((await send(spammer!, c!, "now an answer")).status).toBe(202);
  });
});

describe("GET /api/history", () => {
  it("marks the caller's own messages sentHere: true from this login, false from another login; others' messages and HTTP sends without", async () => {
    const [dana, erin] = await Promise.all([newUser(h, "dana"), newUser(h, "erin")]);
    const phone = await loginUser(h, dana.userName);
    const device = async (login: LoginAnswer) => (await h.services.tokens.verify(login.token)).sessionId;
    let seq = 0;
    // As a gateway stores a Send: the sending login's sessionId is the record's device.
    const store = async (from: LoginAnswer, fromDevice: string, text: string, to: string) => {
      const result = await h.services.messages.store({ clientMsgId: `here-${++seq}`, from: from.userId, fromName: from.userName, fromDevice, text, to });
      if ("error" in result) throw new Error(`store refused: ${result.error}`);
      return result.message.msgId;
    };
    const fromDesk = await store(dana, await device(dana), "same words", erin.userId);
    const fromPhone = await store(phone, await device(phone), "same words", erin.userId);
    const fromErin = await store(erin, await device(erin), "same words", dana.userId);
    const overHttp = await send(dana, "over http", erin.userId);
    const flags = async (as: LoginAnswer, peer: string) =>
      (await history(as, `?with=${peer}`)).map((m) => [m.msgId, (m as Message & { sentHere?: boolean }).sentHere]);
    expect(await flags(dana, erin.userId)).toEqual([[fromDesk, true], [fromPhone, false], [fromErin, undefined], [overHttp, undefined]]);
    expect(await flags(phone, erin.userId)).toEqual([[fromDesk, false], [fromPhone, true], [fromErin, undefined], [overHttp, undefined]]);
    expect(await flags(erin, dana.userId)).toEqual([[fromDesk, undefined], [fromPhone, undefined], [fromErin, true], [overHttp, undefined]]);
    // The sessionId itself is never handed out.
    const raw = await (await h.call("GET", `/api/history?with=${erin.userId}`, { token: dana.token })).text();
    expect(raw).not.toContain(await device(dana));
    expect(raw).not.toContain(await device(phone));
  });

  it("pages the group conversation oldest first with before and limit", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(i % 2 ? bob : alice, `group page ${i}`));
    const newest = await history(bob, "?limit=3");
    expect(newest.map((m) => m.msgId)).toEqual(ids.slice(2));
    expect(newest.map((m) => m.text)).toEqual(["group page 2", "group page 3", "group page 4"]);
    const older = await history(alice, `?before=${ids[2]}&limit=2`);
    expect(older.map((m) => m.msgId)).toEqual(ids.slice(0, 2));
    expect(older.every((m) => m.to === "")).toBe(true);
  });

  it("pages a private conversation, the same from both sides, and only to its two users", async () => {
    const [dave, erin, frank] = await Promise.all([newUser(h, "dave"), newUser(h, "erin"), newUser(h, "frank")]);
    expect(await history(dave, `?with=${erin.userId}`)).toEqual([]);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(i % 2 ? await send(erin, `p${i}`, dave.userId) : await send(dave, `p${i}`, erin.userId));
    const fromDave = await history(dave, `?with=${erin.userId}`);
    expect(fromDave.map((m) => m.msgId)).toEqual(ids);
    expect(fromDave.map((m) => [m.from, m.to])).toEqual([
      [dave.userId, erin.userId], [erin.userId, dave.userId], [dave.userId, erin.userId], [erin.userId, dave.userId],
    ]);
    expect(await history(erin, `?with=${dave.userId}`)).toEqual(fromDave);
    expect((await history(erin, `?with=${dave.userId}&before=${ids[3]}&limit=2`)).map((m) => m.msgId)).toEqual(ids.slice(1, 3));
    expect((await history(erin, `?with=${dave.userId}&before=${ids[0]}`))).toEqual([]);
    // CONTRACT: before follows the rule of every numeric query parameter, leading zeros allowed (`05` is 5); the
    // userIds and msgIds a client sends in frames and bodies refuse them, a query's number does not (53a8b55 made it 400).
    expect((await history(erin, `?with=${dave.userId}&before=000${ids[3]}&limit=2`)).map((m) => m.msgId)).toEqual(ids.slice(1, 3));
    expect((await history(erin, `?with=${dave.userId}&before=0${ids[0]}`))).toEqual([]);
    // A third user asking about either of them sees their own (empty) conversation, never this one.
    expect(await history(frank, `?with=${dave.userId}`)).toEqual([]);
    expect(await history(frank, `?with=${erin.userId}`)).toEqual([]);
    // Private messages are not in the group conversation.
    expect((await history(dave, "?limit=200")).map((m) => m.msgId)).not.toContain(ids[0]);
  });

  it("answers 400 bad_request for a limit outside 1..200 or not an integer, and a before (also 0 or past 2^64-1) or with that is not an id", async () => {
    for (const query of ["?limit=0", "?limit=201", "?limit=ten", "?limit=1.5", "?before=yesterday", "?before=-1", `?with=${alice.userName}`,
      // Redis refuses a range before 0 or past its largest stream id (2^64-1): these were 500s.
      "?before=0", "?before=000", "?before=18446744073709551616", "?before=018446744073709551616", "?before=99999999999999999999", `?with=${bob.userId}&before=0`]) {
      await expectError(await h.call("GET", `/api/history${query}`, { token: alice.token }), 400, "bad_request");
    }
  });

  it("names before's bounds in its 400, as CONTRACT says of every numeric query parameter", async () => {
    for (const query of ["?before=yesterday", "?before=0", "?before=18446744073709551616", "?before=%205"]) {
      const res = await h.call("GET", `/api/history${query}`, { token: alice.token });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("before: before must be a msgId from 1 to 18446744073709551615, in decimal digits");
    }
  });

  it("answers 401 without a token or with a bad one", async () => {
    await expectError(await h.call("GET", "/api/history"), 401, "unauthorized");
    await expectError(await h.call("GET", `/api/history?with=${bob.userId}`, { token: "x.y.z" }), 401, "unauthorized");
  });
});

describe("rooms in POST /api/messages and GET /api/history", () => {
  async function createRoom(owner: LoginAnswer, visibility: "public" | "private"): Promise<string> {
    const res = await h.call("POST", "/api/rooms", { token: owner.token, body: { name: `chat ${visibility}`, visibility } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { roomId: string }).roomId;
  }

  it("a member sends to a room (202 {msgId}) and every member pages its history; the message names the room", async () => {
    const room = await createRoom(alice, "private");
    await h.call("POST", `/api/rooms/${room}/members`, { token: alice.token, body: { userId: bob.userId } });
    const res = await h.call("POST", "/api/messages", { token: bob.token, body: { room, text: "in the room" } });
    expect(res.status).toBe(202);
    const { msgId } = (await res.json()) as { msgId: string };
    const page = await history(alice, `?room=${room}`);
    expect(page).toEqual([{ msgId, from: bob.userId, fromName: bob.userName, to: "", room, text: "in the room", ts: expect.any(Number) }]);
    expect(await history(bob, `?room=${room}`)).toEqual(page);
    // Neither the group nor a private chat holds it.
    expect((await history(alice, "?limit=200")).map((m) => m.msgId)).not.toContain(msgId);
  });

  it("answers 403 not_member to a send or a history request of a room the caller is not in, public or private; nothing is stored", async () => {
    const carol = await newUser(h, "carol");
    for (const visibility of ["public", "private"] as const) {
      const room = await createRoom(alice, visibility);
      await expectError(await h.call("POST", "/api/messages", { token: carol.token, body: { room, text: "let me in" } }), 403, "not_member");
      await expectError(await h.call("GET", `/api/history?room=${room}`, { token: carol.token }), 403, "not_member");
      expect(await history(alice, `?room=${room}`)).toEqual([]);
    }
  });

  it("answers 404 not_found for a room that does not exist", async () => {
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { room: "r987654321", text: "anyone?" } }), 404, "not_found");
    await expectError(await h.call("GET", "/api/history?room=r987654321", { token: alice.token }), 404, "not_found");
  });

  it("treats room everyone as the group", async () => {
    const res = await h.call("POST", "/api/messages", { token: bob.token, body: { room: "everyone", text: "all of you" } });
    expect(res.status).toBe(202);
    const { msgId } = (await res.json()) as { msgId: string };
    expect((await history(alice, "?limit=1")).map((m) => m.msgId)).toEqual([msgId]);
    expect((await history(alice, "?room=everyone&limit=1")).map((m) => m.msgId)).toEqual([msgId]);
  });

  it("answers 400 bad_request for to and room together, with and room together, or a room that is no roomId", async () => {
    const room = await createRoom(alice, "public");
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { to: bob.userId, room, text: "both" } }), 400, "bad_request");
    await expectError(await h.call("POST", "/api/messages", { token: alice.token, body: { room: "lobby", text: "named" } }), 400, "bad_request");
    await expectError(await h.call("GET", `/api/history?with=${bob.userId}&room=${room}`, { token: alice.token }), 400, "bad_request");
    await expectError(await h.call("GET", "/api/history?room=r1x", { token: alice.token }), 400, "bad_request");
  });
});

describe("blocking (PUT, DELETE, GET /api/blocks)", () => {
  const put = (as: LoginAnswer, userId: string) => h.call("PUT", `/api/blocks/${userId}`, { token: as.token });
  const remove = (as: LoginAnswer, userId: string) => h.call("DELETE", `/api/blocks/${userId}`, { token: as.token });
  const answer = async (as: LoginAnswer) => {
    const res = await h.call("GET", "/api/blocks", { token: as.token });
    expect(res.status).toBe(200);
    return (await res.json()) as { blocks: Array<{ userId: string; userName: string; name: string }>; order: number };
  };
  const list = async (as: LoginAnswer) => (await answer(as)).blocks;
  const sendTo = (from: LoginAnswer, to: LoginAnswer, text: string, extra: Record<string, unknown> = {}) =>
    h.call("POST", "/api/messages", { token: from.token, body: { to: to.userId, text, ...extra } });

  it("blocks and unblocks idempotently (204), lists {userId, userName, name}, and refuses private messages both ways meanwhile", async () => {
    const [gus, hal] = await Promise.all([newUser(h, "gus"), newUser(h, "hal")]);
    const before = await send(hal, "before the block", gus.userId);
    for (let i = 0; i < 2; i++) expect((await put(gus, hal.userId)).status).toBe(204);
    // userName as in every other list of users (name, the same, for clients from before it).
    expect(await list(gus)).toEqual([{ userId: hal.userId, userName: hal.userName, name: hal.userName }]);
    expect(await list(hal)).toEqual([]);
    // The list's order: one change so far (the repeat changed nothing); hal changed nothing.
    expect((await answer(gus)).order).toBe(1);
    expect((await answer(hal)).order).toBe(0);
    // The blocked user's messages (replies and reactions too), and the blocker's own, are refused and not stored.
    const refused = await expectError(await sendTo(hal, gus, "let me in"), 403, "blocked");
    expect(refused.error.message).toMatch(/does not accept/);
    await expectError(await sendTo(hal, gus, "a reply", { replyTo: before }), 403, "blocked");
    await expectError(await sendTo(hal, gus, "", { reactTo: before, reaction: "👍" }), 403, "blocked");
    expect((await expectError(await sendTo(gus, hal, "hi"), 403, "blocked")).error.message).toMatch(/unblock/);
    // Rooms are not touched: the group still takes both.
    await send(hal, "still in the group");
    expect((await history(gus, `?with=${hal.userId}`)).map((m) => m.text)).toEqual(["before the block"]);
    for (let i = 0; i < 2; i++) expect((await remove(gus, hal.userId)).status).toBe(204);
    expect(await answer(gus)).toEqual({ blocks: [], order: 2 });
    await send(hal, "after the unblock", gus.userId);
    expect((await history(gus, `?with=${hal.userId}`)).map((m) => m.text)).toEqual(["before the block", "after the unblock"]);
  });

  it("hides presence both ways while blocked: the online list, the user search and room members say offline", async () => {
    const [ida, jon] = await Promise.all([newUser(h, "ida"), newUser(h, "jon")]);
    for (const who of [ida, jon]) await h.services.sessions.claim(who.userId, HARNESS_GATEWAY.id);
    const room = (await (await h.call("POST", "/api/rooms", { token: ida.token, body: { name: `seen ${ida.userName}`, visibility: "public" } })).json()) as { roomId: string };
    expect((await h.call("POST", `/api/rooms/${room.roomId}/join`, { token: jon.token })).status).toBe(200);
    const json = async <T>(as: LoginAnswer, path: string) => (await (await h.call("GET", path, { token: as.token })).json()) as T;
    type Users = { users: Array<{ userId: string; online?: boolean }> };
    type Members = { members: Array<{ userId: string; online: boolean }> };
    /** How `viewer` sees `peer` in each list: [listed online (old call), listed online (paged), search, room, Everyone]. */
    const seen = async (viewer: LoginAnswer, peer: LoginAnswer) => [
      (await json<Users>(viewer, "/api/online")).users.some((u) => u.userId === peer.userId),
      (await json<Users>(viewer, `/api/online?prefix=${peer.userName}`)).users.some((u) => u.userId === peer.userId),
      (await json<Users>(viewer, `/api/users?prefix=${peer.userName}`)).users.find((u) => u.userId === peer.userId)?.online,
      (await json<Members>(viewer, `/api/rooms/${room.roomId}/members`)).members.find((u) => u.userId === peer.userId)?.online,
      (await json<Members>(viewer, "/api/rooms/everyone/members")).members.some((u) => u.userId === peer.userId),
    ];
    expect(await seen(jon, ida)).toEqual([true, true, true, true, true]);
    expect((await put(ida, jon.userId)).status).toBe(204);
    expect(await seen(jon, ida)).toEqual([false, false, false, false, false]);
    expect(await seen(ida, jon)).toEqual([false, false, false, false, false]);
    expect((await remove(ida, jon.userId)).status).toBe(204);
    expect(await seen(jon, ida)).toEqual([true, true, true, true, true]);
  });

  it("answers 400 for yourself or no userId, 404 for no such user, 401 without a token", async () => {
    await expectError(await put(alice, alice.userId), 400, "bad_request");
    await expectError(await put(alice, "bob"), 400, "bad_request");
    await expectError(await remove(alice, alice.userId), 400, "bad_request");
    await expectError(await put(alice, "987654321987"), 404, "not_found");
    await expectError(await remove(alice, "987654321987"), 404, "not_found");
    await expectError(await h.call("GET", "/api/blocks"), 401, "unauthorized");
    await expectError(await h.call("PUT", `/api/blocks/${bob.userId}`), 401, "unauthorized");
  });

  it("answers 429 rate_limited with Retry-After past CIM_BLOCK_CHANGES_PER_USER blocks and unblocks per window", async () => {
    const limited = h.variant({ CIM_BLOCK_CHANGES_PER_USER: "2" });
    const jan = await newUser(h, "jan");
    expect((await limited.call("PUT", `/api/blocks/${bob.userId}`, { token: jan.token })).status).toBe(204);
    expect((await limited.call("DELETE", `/api/blocks/${bob.userId}`, { token: jan.token })).status).toBe(204);
    const refused = await limited.call("PUT", `/api/blocks/${bob.userId}`, { token: jan.token });
    await expectError(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it(`answers 409 too_many_blocks past ${MAX_BLOCKS_PER_USER} blocks, and changes nothing`, async () => {
    const ivy = await newUser(h, "ivy");
    await h.redis.sadd(user.blocks(ivy.userId), ...Array.from({ length: MAX_BLOCKS_PER_USER }, (_, i) => String(900_000_000 + i)));
    await expectError(await put(ivy, bob.userId), 409, "too_many_blocks");
    expect(await h.redis.sismember(user.blocks(ivy.userId), bob.userId)).toBe(0);
    await send(bob, "still reaches ivy", ivy.userId);
  });
});
