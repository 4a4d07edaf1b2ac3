// The contract's changes of 2026-11-28..30 checked as an outside client sees them, from docs/CONTRACT.md alone
// (plain fetch, `ws`, protobufjs reading cim.proto; nothing of packages/*): the logout token, weak passwords, ids with
// leading zeros, edits and deletions as every read hands them out, a reply's quote following an edit, and the online
// list's pages hiding a blocker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "./cluster.js";
import { http, Session, type Body } from "./contract-client.js";

let cluster: Cluster;
const sessions: Session[] = [];
beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
});
afterAll(async () => {
  for (const session of sessions) session.socket.terminate();
  await cluster?.stop();
});

interface User { userId: string; userName: string; token: string; logoutToken: string; wsUrl: string }
const PASSWORD = "contract-pass-1";

async function signUp(userName: string): Promise<User> {
  const base = cluster.route.url;
  const registered = await http(base, "POST", "/api/register", { body: { userName, password: PASSWORD } });
  expect(registered.status).toBe(201);
  const login = await http(base, "POST", "/api/login", { body: { userName, password: PASSWORD } });
  expect(login.status).toBe(200);
  const { userId, token, logoutToken, gateway } = login.json as { userId: string; token: string; logoutToken: string; gateway: { wsUrl: string } };
  return { userId, userName, token, logoutToken, wsUrl: gateway.wsUrl };
}

async function connect(user: User, login: Body = {}): Promise<Session> {
  const session = await Session.open(user.wsUrl);
  sessions.push(session);
  session.send("login", { token: user.token, ...login });
  await session.frame("loginAck");
  return session;
}

async function send(session: Session, body: Body): Promise<Body> {
  session.send("send", body);
  const answer = await session.until(
    () => session.frames.find((f) => (f.kind === "sendAck" || f.kind === "error") && f.body.clientMsgId === body.clientMsgId),
    `the answer to ${String(body.clientMsgId)}`,
  );
  return { kind: answer.kind, ...answer.body };
}

describe("the logout token", () => {
  it("only POST /api/logout takes it: other paths answer 401 invalid_token, a gateway 4401", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("recent-lt-ann");
    expect(ann.logoutToken).not.toBe(ann.token);
    for (const [method, path] of [["GET", "/api/online"], ["GET", "/api/rooms"], ["POST", "/api/logout/others"]] as const) {
      const answer = await http(base, method, path, { token: ann.logoutToken });
      expect({ path, status: answer.status, code: (answer.json?.error as Body | undefined)?.code }).toEqual({ path, status: 401, code: "unauthorized" });
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="cim", error="invalid_token"');
    }
    const reconnect = await http(base, "POST", "/api/reconnect", { token: ann.logoutToken });
    expect(reconnect.status).toBe(401);
    const socket = await Session.open(ann.wsUrl);
    sessions.push(socket);
    socket.send("login", { token: ann.logoutToken });
    expect(await socket.frame("error")).toMatchObject({ code: "unauthorized" });
    await socket.until(() => socket.closed ?? undefined, "the close");
    expect(socket.closed).toEqual({ code: 4401 });

    // POST /api/reconnect's answer carries one too, and it ends the same login.
    const refreshed = await http(base, "POST", "/api/reconnect", { token: ann.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toEqual({ userId: ann.userId, userName: ann.userName, token: expect.any(String), logoutToken: expect.any(String), gateway: { id: expect.any(String), wsUrl: expect.any(String) } });
    const live = await connect(ann);
    const logout = await http(base, "POST", "/api/logout", { token: ann.logoutToken });
    expect(logout.status).toBe(204);
    await live.until(() => live.closed ?? undefined, "the close after the logout");
    expect(live.closed).toEqual({ code: 4401 });
    expect((await http(base, "GET", "/api/rooms", { token: ann.token })).status).toBe(401);
    expect((await http(base, "GET", "/api/rooms", { token: (refreshed.json as { token: string }).token })).status).toBe(401);
  });
});

describe("passwords", () => {
  it("a repeated group or a run of consecutive characters is 400 weak_password, at register and at a change", async () => {
    const base = cluster.route.url;
    for (const password of ["aaaaaaaaaa", "abcabcabc", "23456789", "hgfedcba"]) {
      const answer = await http(base, "POST", "/api/register", { body: { userName: "recent-weak", password } });
      expect({ password, status: answer.status, code: (answer.json?.error as Body).code }).toEqual({ password, status: 400, code: "weak_password" });
    }
    const bob = await signUp("recent-pw-bob");
    const change = await http(base, "POST", "/api/password", { token: bob.token, body: { currentPassword: PASSWORD, newPassword: "abcabcabc" } });
    expect({ status: change.status, code: (change.json?.error as Body).code }).toEqual({ status: 400, code: "weak_password" });
  });
});

describe("ids with leading zeros", () => {
  it("are malformed in a Send's replyTo, editOf and to, POST /api/messages, a block's userId and history's with", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("recent-id-ann");
    const bob = await signUp("recent-id-bob");
    const session = await connect(ann);
    const first = await send(session, { clientMsgId: "z-1", to: bob.userId, text: "first" });
    const msgId = first.msgId as string;
    for (const [n, body] of [
      [2, { to: bob.userId, text: "reply", replyTo: `00${msgId}` }],
      [3, { to: bob.userId, text: "edit", editOf: `00${msgId}` }],
      [4, { to: `00${bob.userId}`, text: "padded to" }],
      [5, { to: bob.userId, text: "", reactTo: `00${msgId}`, reaction: "👍" }],
    ] as const) {
      const answer = await send(session, { clientMsgId: `z-${n}`, ...body });
      expect({ n, code: answer.code }).toEqual({ n, code: "bad_request" });
    }
    for (const body of [{ to: bob.userId, text: "r", replyTo: `0${msgId}` }, { to: `0${bob.userId}`, text: "padded" }]) {
      const answer = await http(base, "POST", "/api/messages", { token: ann.token, body });
      expect({ body, status: answer.status, code: (answer.json?.error as Body).code }).toEqual({ body, status: 400, code: "bad_request" });
    }
    const block = await http(base, "PUT", `/api/blocks/0${bob.userId}`, { token: ann.token });
    expect(block.status).toBe(400);
    const history = await http(base, "GET", `/api/history?with=0${bob.userId}`, { token: ann.token });
    expect({ status: history.status, code: (history.json?.error as Body | undefined)?.code }).toEqual({ status: 400, code: "bad_request" });
    for (const path of [`/api/search?q=first&conversation=0${bob.userId}`, `/api/users/last-seen?userIds=0${bob.userId}`]) {
      const answer = await http(base, "GET", path, { token: ann.token });
      expect({ path, status: answer.status, code: (answer.json?.error as Body | undefined)?.code }).toEqual({ path, status: 400, code: "bad_request" });
    }
    // `before` is a numeric query parameter: leading zeros allowed (`05` is 5).
    const before = await http(base, "GET", `/api/history?with=${bob.userId}&before=0${BigInt(msgId) + 1n}`, { token: ann.token });
    expect(before.status).toBe(200);
    expect((before.json!.messages as Body[]).map((m) => m.text)).toEqual(["first"]);

    // Frames: a padded PresenceSubscribe or TypingSubscribe id is bad_request and the session stays; a Read of a
    // padded msgId is dropped (bob is not told); a login's padded position?
    session.send("presenceSubscribe", { userIds: [`0${bob.userId}`] });
    expect(await session.frame("error", (e) => e.clientMsgId === "" && !session.frames.some((f) => f.kind === "presenceBatch"))).toMatchObject({ code: "bad_request" });
    session.send("typingSubscribe", { conversations: [`0${bob.userId}`] });
    await session.until(() => (session.frames.filter((f) => f.kind === "error" && f.body.clientMsgId === "").length >= 2 ? true : undefined), "the second error");
    const bobSession = await connect(bob);
    bobSession.send("read", { conversation: ann.userId, msgId: `0${msgId}` });
    bobSession.send("read", { conversation: `0${ann.userId}`, msgId });
    bobSession.send("read", { conversation: ann.userId, msgId });
    // A Login's padded position counts as none (CONTRACT's Login addition): the inbox from what the user acknowledged,
    // the group from now, as a login naming nothing.
    const positionsOf = async (login: Body) => {
      const device = await Session.open(bob.wsUrl);
      sessions.push(device);
      device.send("login", { token: bob.token, ...login });
      const ack = await device.frame("loginAck");
      device.socket.terminate();
      return { group: ack.groupPosition, inbox: ack.inboxPosition };
    };
    expect(await positionsOf({ inboxAfter: `0${msgId}`, groupAfter: "00" })).toEqual(await positionsOf({}));
    const seen = await session.frame("read", (r) => r.by === bob.userId);
    expect(seen).toEqual({ conversation: bob.userId, msgId, by: bob.userId });
    expect(session.frames.filter((f) => f.kind === "read").map((f) => f.body.msgId)).toEqual([msgId]);
  });
});

describe("edits and deletions", () => {
  it("history, search and a device catching up hand out the newest text, a deleted message as \"\", and a reply's quote follows", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("recent-ed-ann");
    const bob = await signUp("recent-ed-bob");
    const annSession = await connect(ann);
    const kept = await send(annSession, { clientMsgId: "e-1", to: bob.userId, text: "the code is 1234" });
    const gone = await send(annSession, { clientMsgId: "e-2", to: bob.userId, text: "my pin is 4711" });
    const bobSession = await connect(bob);
    const reply = await send(bobSession, { clientMsgId: "e-3", to: ann.userId, text: "noted", replyTo: kept.msgId });
    expect(reply.msgId).toEqual(expect.any(String));
    expect((await send(annSession, { clientMsgId: "e-4", to: bob.userId, editOf: kept.msgId, text: "the code is 5678" })).msgId).toEqual(expect.any(String));
    expect((await send(annSession, { clientMsgId: "e-5", to: bob.userId, editOf: gone.msgId, delete: true, text: "" })).msgId).toEqual(expect.any(String));

    const history = await http(base, "GET", `/api/history?with=${ann.userId}`, { token: bob.token });
    expect(history.status).toBe(200);
    const messages = history.json!.messages as Body[];
    expect(messages.map((m) => [m.text, m.editOf ?? null, m.deleted ?? null])).toEqual([
      ["the code is 5678", null, null],
      ["", null, null],
      ["noted", null, null],
      ["the code is 5678", kept.msgId, null],
      ["", gone.msgId, true],
    ]);
    expect(messages[2]).toMatchObject({ replyTo: kept.msgId, replyFrom: ann.userId, replyFromName: ann.userName, replyText: "the code is 5678" });

    const search = await http(base, "GET", `/api/search?q=noted&conversation=${ann.userId}`, { token: bob.token });
    expect(search.status).toBe(200);
    expect((search.json!.results as Body[])[0]).toMatchObject({ msgId: reply.msgId, replyTo: kept.msgId, replyFrom: ann.userId, replyFromName: ann.userName, replyText: "the code is 5678" });
    for (const q of ["1234", "4711"]) {
      const none = await http(base, "GET", `/api/search?q=${q}&conversation=${ann.userId}`, { token: bob.token });
      expect(none.json).toEqual({ results: [] });
    }

    // A second device of bob's catching up from before the first message: the same texts, one frame each.
    const again = await http(base, "POST", "/api/login", { body: { userName: bob.userName, password: PASSWORD } });
    const device = await Session.open(bob.wsUrl);
    sessions.push(device);
    device.send("login", { token: (again.json as { token: string }).token, inboxAfter: String(BigInt(kept.msgId as string) - 1n) });
    await device.until(() => (device.frames.filter((f) => f.kind === "message").length >= 5 ? true : undefined), "the five messages");
    const caught = device.frames.filter((f) => f.kind === "message").map((f) => f.body);
    expect(caught.map((m) => [m.text, m.editOf, m.deleted, m.replyText])).toEqual([
      ["the code is 5678", "", false, ""],
      ["", "", false, ""],
      ["noted", "", false, "the code is 5678"],
      ["the code is 5678", kept.msgId, false, ""],
      ["", gone.msgId, true, ""],
    ]);
  });
});

describe("rooms, typing and reactions", () => {
  it("an invitation, a typist and a reaction reach the members in the frames CONTRACT names", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("recent-rm-ann");
    const bob = await signUp("recent-rm-bob");
    const [a, b] = [await connect(ann), await connect(bob)];
    const room = (await http(base, "POST", "/api/rooms", { token: ann.token, body: { name: "Recent room", visibility: "private" } })).json!.roomId as string;
    const invited = await http(base, "POST", `/api/rooms/${room}/members`, { token: ann.token, body: { userId: bob.userId } });
    expect(invited.status).toBe(201);
    expect(invited.json).toEqual({ roomId: room, userId: bob.userId, userName: bob.userName });
    expect(await b.frame("roomEvent", (e) => e.room === room)).toEqual({ room, name: "Recent room", userId: bob.userId, userName: bob.userName, kind: "invited", by: ann.userId, byName: ann.userName });
    expect(await a.frame("roomEvent", (e) => e.room === room && e.kind === "invited")).toMatchObject({ kind: "invited", userId: bob.userId, by: ann.userId });

    // Typing by interest: bob lists the room, ann types there.
    b.send("typingSubscribe", { conversations: [room] });
    a.send("typing", { conversation: room });
    expect(await b.frame("typing")).toEqual({ conversation: room, userId: ann.userId, userName: ann.userName });

    const sent = await send(a, { clientMsgId: "rm-1", room, text: "react to me" });
    const reacted = await send(b, { clientMsgId: "rm-2", room, text: "", reactTo: sent.msgId, reaction: "👍" });
    expect(reacted.kind).toBe("sendAck");
    expect(await a.frame("message", (m) => m.msgId === reacted.msgId)).toMatchObject({ from: bob.userId, room, text: "", reactTo: sent.msgId, reaction: "👍", editOf: "" });
    const twoEmoji = await send(b, { clientMsgId: "rm-3", room, text: "", reactTo: sent.msgId, reaction: "👍👍" });
    expect(twoEmoji).toMatchObject({ kind: "error", code: "bad_request" });

    const history = await http(base, "GET", `/api/history?room=${room}&events=all`, { token: bob.token });
    expect(history.status).toBe(200);
    expect((history.json!.messages as Body[]).map((m) => [m.text, m.reactTo ?? null, m.reaction ?? null])).toEqual([["react to me", null, null], ["", sent.msgId, "👍"]]);
    expect((history.json!.events as Body[]).map((e) => [e.kind, e.userId, e.by])).toEqual([["invited", bob.userId, ann.userId]]);
  });
});

describe("a reconnect with after-positions", () => {
  it("replays each room, the group and the inbox after the positions named, with what was edited or deleted meanwhile as it reads now", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("recent-rc-ann");
    const bob = await signUp("recent-rc-bob");
    const a = await connect(ann);
    const room = (await http(base, "POST", "/api/rooms", { token: ann.token, body: { name: "Away room", visibility: "public" } })).json!.roomId as string;
    expect((await http(base, "POST", `/api/rooms/${room}/join`, { token: bob.token })).status).toBe(200);
    const b = await connect(bob);
    const seenRoom = await send(a, { clientMsgId: "rc-1", room, text: "before" });
    const seenPrivate = await send(a, { clientMsgId: "rc-2", to: bob.userId, text: "private before" });
    const seenGroup = await send(a, { clientMsgId: "rc-3", text: "group before" });
    await b.frame("message", (m) => m.msgId === seenGroup.msgId);
    await b.frame("message", (m) => m.msgId === seenPrivate.msgId);
    b.socket.terminate();

    const away = await send(a, { clientMsgId: "rc-4", room, text: "the code is 1234" });
    const gone = await send(a, { clientMsgId: "rc-5", room, text: "my pin is 4711" });
    await send(a, { clientMsgId: "rc-6", room, editOf: away.msgId, text: "the code is 5678" });
    await send(a, { clientMsgId: "rc-7", room, editOf: gone.msgId, delete: true, text: "" });
    const privateAway = await send(a, { clientMsgId: "rc-8", to: bob.userId, text: "private away" });
    const groupAway = await send(a, { clientMsgId: "rc-9", text: "group away" });

    const back = await Session.open(bob.wsUrl);
    sessions.push(back);
    back.send("login", { token: bob.token, groupAfter: seenGroup.msgId, inboxAfter: seenPrivate.msgId, rooms: [{ room, after: seenRoom.msgId }] });
    const ack = await back.frame("loginAck");
    expect({ group: ack.groupPosition, inbox: ack.inboxPosition, rooms: ack.rooms }).toEqual({ group: seenGroup.msgId, inbox: seenPrivate.msgId, rooms: [{ room, after: seenRoom.msgId }] });
    await back.until(() => (back.frames.filter((f) => f.kind === "message").length >= 6 ? true : undefined), "six messages");
    const got = back.frames.filter((f) => f.kind === "message").map((f) => f.body);
    const inRoom = got.filter((m) => m.room === room).map((m) => [m.text, m.editOf, m.deleted]);
    expect(inRoom).toEqual([["the code is 5678", "", false], ["", "", false], ["the code is 5678", away.msgId, false], ["", gone.msgId, true]]);
    expect(got.filter((m) => m.room !== room).map((m) => m.msgId).sort()).toEqual([privateAway.msgId, groupAway.msgId].sort());
    expect(back.frames.some((f) => f.kind === "error")).toBe(false);
  });
});

describe("HTTP headers", () => {
  it("no-store under /api/, Allow on a 405, 401 before 405, HEAD with its GET's headers, Retry-After on a 429", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("recent-hd-ann");
    for (const [method, path, token, status] of [["GET", "/api/online", ann.token, 200], ["GET", "/api/nothing-here", ann.token, 404], ["GET", "/api/rooms", undefined, 401], ["GET", "/api/openapi.json", undefined, 200]] as const) {
      const answer = await fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect({ path, status: answer.status, cache: answer.headers.get("cache-control") }).toEqual({ path, status, cache: "no-store" });
    }
    const wrongMethod = await http(base, "DELETE", "/api/online", { token: ann.token });
    expect({ status: wrongMethod.status, allow: wrongMethod.headers.get("allow"), code: (wrongMethod.json!.error as Body).code }).toEqual({ status: 405, allow: "GET, HEAD", code: "method_not_allowed" });
    const noToken = await http(base, "DELETE", "/api/online");
    expect({ status: noToken.status, auth: noToken.headers.get("www-authenticate") }).toEqual({ status: 401, auth: 'Bearer realm="cim"' });
    const get = await fetch(`${base}/api/rooms`, { headers: { authorization: `Bearer ${ann.token}` } });
    const head = await fetch(`${base}/api/rooms`, { method: "HEAD", headers: { authorization: `Bearer ${ann.token}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const name of ["cache-control", "content-type", "content-security-policy", "x-content-type-options", "referrer-policy"]) {
      expect({ name, value: head.headers.get(name) }).toEqual({ name, value: get.headers.get(name) });
    }
    const wrongLogin = await http(base, "POST", "/api/login", { body: { userName: ann.userName, password: "not-the-password" } });
    expect({ status: wrongLogin.status, auth: wrongLogin.headers.get("www-authenticate") }).toEqual({ status: 401, auth: 'Bearer realm="cim"' });
    let refused: Awaited<ReturnType<typeof http>> | undefined;
    for (let i = 0; i < 30 && !refused; i++) {
      const answer = await http(base, "POST", "/api/login", { body: { userName: ann.userName, password: "not-the-password" } });
      if (answer.status === 429) refused = answer;
      else expect(answer.status).toBe(401);
    }
    expect((refused!.json!.error as Body).code).toBe("rate_limited");
    expect(refused!.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
  });
});

describe("GET /api/online and a block", () => {
  it("the blocked user's pages read the same whether the blocker is online or not", { timeout: 60_000 }, async () => {
    const base = cluster.route.url;
    const blocker = await signUp("recent-on-a");
    const blocked = await signUp("recent-on-b");
    await connect(blocked);
    expect((await http(base, "PUT", `/api/blocks/${blocked.userId}`, { token: blocker.token })).status).toBe(204);
    const page = async () => (await http(base, "GET", "/api/online?prefix=recent-on&limit=1", { token: blocked.token })).json;
    const offline = await page();
    await connect(blocker);
    const online = await page();
    expect({ users: online!.users, nextCursor: online!.nextCursor }).toEqual({ users: offline!.users, nextCursor: offline!.nextCursor });
    const plain = await http(base, "GET", "/api/online", { token: blocked.token });
    expect((plain.json!.users as Body[]).map((u) => u.userId)).not.toContain(blocker.userId);
  });
});
