// A client written from docs/CONTRACT.md alone, as an integrator would: plain fetch, `ws`, and protobufjs reading
// the .proto the contract points to; nothing of packages/* (the devstack only starts the system). Where this client
// and the running system disagreed, one of them was wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, TEST_ADMIN_TOKEN, type Cluster } from "./cluster.js";
import { encode, http, Session, type Body } from "./contract-client.js";

let cluster: Cluster;
const sessions: Session[] = [];
beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
});
afterAll(async () => {
  for (const session of sessions) session.socket.terminate();
  await cluster?.stop();
});

interface User { userId: string; userName: string; token: string; wsUrl: string; session: Session; ack: Body }

async function signUp(userName: string): Promise<User> {
  const base = cluster.route.url;
  const password = "contract-pass-1";
  const registered = await http(base, "POST", "/api/register", { body: { userName, password } });
  expect(registered.status).toBe(201);
  expect(registered.json).toEqual({ userId: expect.stringMatching(/^\d+$/), userName });
  const login = await http(base, "POST", "/api/login", { body: { userName, password } });
  expect(login.status).toBe(200);
  expect(login.json).toEqual({ userId: registered.json!.userId, userName, token: expect.any(String), logoutToken: expect.any(String), gateway: { id: expect.any(String), wsUrl: expect.stringMatching(/^ws:\/\/.+\/ws$/) } });
  const { token, gateway } = login.json as { token: string; gateway: { wsUrl: string } };
  const session = await Session.open(gateway.wsUrl);
  sessions.push(session);
  session.send("login", { token });
  const ack = await session.frame("loginAck");
  expect(ack).toMatchObject({ userId: registered.json!.userId, userName, heartbeatMs: expect.any(Number) });
  expect(typeof ack.gatewayId).toBe("string");
  expect(Math.abs((ack.serverTime as number) - Date.now())).toBeLessThan(60_000);
  return { userId: registered.json!.userId as string, userName, token, wsUrl: gateway.wsUrl, session, ack };
}

describe("a client from the contract alone", () => {
  it("registers, logs in through route and a gateway, talks to a user and a room, gets receipts and history, logs out", { timeout: 90_000 }, async () => {
    const base = cluster.route.url;
    const ann = await signUp("contract-ann");
    const bob = await signUp("contract-bob");

    // Heartbeat: Ping answered by Pong with the Ping's ts.
    ann.session.send("ping", { ts: 12345 });
    expect(await ann.session.frame("pong")).toEqual({ ts: 12345 });

    // A private message: SendAck to the sender, Message to the peer, Delivered back to the sender.
    ann.session.send("send", { clientMsgId: "c-1", to: bob.userId, text: "hello bob" });
    const ack = await ann.session.frame("sendAck", (b) => b.clientMsgId === "c-1");
    expect(ack).toEqual({ clientMsgId: "c-1", msgId: expect.stringMatching(/^\d+$/), ts: expect.any(Number) });
    const privateMessage = await bob.session.frame("message", (m) => m.msgId === ack.msgId);
    expect(privateMessage).toMatchObject({ msgId: ack.msgId, from: ann.userId, fromName: "contract-ann", to: bob.userId, text: "hello bob", ts: ack.ts, room: "" });
    bob.session.send("delivered", { msgId: ack.msgId, from: ann.userId });
    expect(await ann.session.frame("delivered", (d) => d.msgId === ack.msgId)).toMatchObject({ msgId: ack.msgId, by: bob.userId });

    // A resent clientMsgId is acked again, never stored twice.
    ann.session.send("send", { clientMsgId: "c-1", to: bob.userId, text: "hello bob" });
    await ann.session.until(() => (ann.session.frames.filter((f) => f.kind === "sendAck" && f.body.clientMsgId === "c-1").length === 2 ? true : undefined), "the second SendAck");
    expect(ann.session.frames.filter((f) => f.kind === "sendAck").map((f) => f.body.msgId)).toEqual([ack.msgId, ack.msgId]);

    // A room: ann creates a public one, bob joins it over HTTP, ann writes to it over the socket.
    const created = await http(base, "POST", "/api/rooms", { token: ann.token, body: { name: "Contract room", visibility: "public" } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ roomId: expect.stringMatching(/^r\d+$/), name: "Contract room", visibility: "public", owner: ann.userId });
    const roomId = created.json!.roomId as string;
    const joined = await http(base, "POST", `/api/rooms/${roomId}/join`, { token: bob.token });
    expect(joined.status).toBe(200);
    expect(joined.json).toEqual({ roomId, name: "Contract room", visibility: "public", owner: ann.userId });
    await bob.session.frame("roomEvent", (e) => e.room === roomId && e.kind === "joined" && e.userId === bob.userId);
    ann.session.send("send", { clientMsgId: "c-2", room: roomId, text: "hello room" });
    const roomAck = await ann.session.frame("sendAck", (b) => b.clientMsgId === "c-2");
    expect(await bob.session.frame("message", (m) => m.msgId === roomAck.msgId)).toMatchObject({ from: ann.userId, fromName: "contract-ann", room: roomId, text: "hello room", to: "" });

    // The room in the lists the contract names.
    const rooms = await http(base, "GET", "/api/rooms", { token: bob.token });
    expect(rooms.json).toEqual({ rooms: [
      { roomId: "everyone", name: expect.any(String), visibility: "public", owner: "", unread: expect.any(Number), lastMsgId: expect.any(String) },
      { roomId, name: "Contract room", visibility: "public", owner: ann.userId, unread: 1, lastMsgId: roomAck.msgId },
    ] });
    const directory = await http(base, "GET", "/api/rooms/public?prefix=contract", { token: bob.token });
    expect(directory.json).toEqual({ rooms: [{ roomId, name: "Contract room", members: 2, owner: ann.userId, ownerName: "contract-ann" }] });
    const members = await http(base, "GET", `/api/rooms/${roomId}/members`, { token: bob.token });
    expect(members.json).toEqual({ members: [{ userId: ann.userId, userName: "contract-ann", online: true }, { userId: bob.userId, userName: "contract-bob", online: true }] });
    const users = await http(base, "GET", "/api/users?prefix=contract-a", { token: bob.token });
    expect(users.json).toEqual({ users: [{ userId: ann.userId, userName: "contract-ann", online: true }] });

    // The group ("everyone"): Send without to and room.
    bob.session.send("send", { clientMsgId: "c-3", text: "hello everyone" });
    const groupAck = await bob.session.frame("sendAck", (b) => b.clientMsgId === "c-3");
    expect(await ann.session.frame("message", (m) => m.msgId === groupAck.msgId)).toMatchObject({ from: bob.userId, to: "", room: "", text: "hello everyone" });

    // History: private, room and group, oldest first.
    const privateHistory = await http(base, "GET", `/api/history?with=${bob.userId}`, { token: ann.token });
    expect(privateHistory.status).toBe(200);
    // sentHere (added): ann's own message, sent by the login asking.
    expect(privateHistory.json).toEqual({ messages: [{ msgId: ack.msgId, from: ann.userId, fromName: "contract-ann", to: bob.userId, text: "hello bob", ts: ack.ts, room: "", sentHere: true }], events: [] });
    const roomHistory = await http(base, "GET", `/api/history?room=${roomId}`, { token: bob.token });
    expect(roomHistory.status).toBe(200);
    expect((roomHistory.json!.messages as Body[]).map((m) => [m.msgId, m.text, m.room])).toEqual([[roomAck.msgId, "hello room", roomId]]);
    const groupHistory = await http(base, "GET", "/api/history", { token: ann.token });
    expect((groupHistory.json!.messages as Body[]).map((m) => m.text)).toContain("hello everyone");

    // Online: both.
    const online = await http(base, "GET", "/api/online", { token: ann.token });
    expect(online.status).toBe(200);
    expect((online.json!.users as Body[]).map((u) => u.userName).sort()).toEqual(["contract-ann", "contract-bob"]);

    // Logout: 204, its socket closes with 4401, its token is refused with 401 and WWW-Authenticate.
    const logout = await http(base, "POST", "/api/logout", { token: ann.token });
    expect(logout.status).toBe(204);
    expect(await ann.session.until(() => ann.session.closed ?? undefined, "close")).toEqual({ code: 4401 });
    const refused = await http(base, "GET", "/api/online", { token: ann.token });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="cim", error="invalid_token"');
    expect(bob.session.closed).toBeNull();
  });

  it("is refused as the contract says: bad frames, bad sends, bad requests", { timeout: 90_000 }, async () => {
    const base = cluster.route.url;
    const cat = await signUp("contract-cat");
    const dan = await signUp("contract-dan");

    // HTTP refusals.
    const taken = await http(base, "POST", "/api/register", { body: { userName: "contract-cat", password: "contract-pass-1" } });
    expect([taken.status, (taken.json!.error as Body).code]).toEqual([409, "name_taken"]);
    const wrong = await http(base, "POST", "/api/login", { body: { userName: "contract-cat", password: "not-the-password" } });
    expect([wrong.status, (wrong.json!.error as Body).code, wrong.headers.get("www-authenticate")]).toEqual([401, "unauthorized", 'Bearer realm="cim"']);
    const plain = await fetch(`${base}/api/login`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect([plain.status, ((await plain.json()) as { error: Body }).error.code]).toEqual([415, "unsupported_media_type"]);
    const unknown = await http(base, "GET", "/api/nothing-here");
    expect([unknown.status, (unknown.json!.error as Body).code]).toEqual([404, "not_found"]);
    const badLimit = await http(base, "GET", "/api/history?limit=0x10", { token: cat.token });
    expect([badLimit.status, (badLimit.json!.error as Body).code]).toEqual([400, "bad_request"]);
    for (const query of ["limit=201", "limit=0", "before=0", "before=18446744073709551616", "limit=%205"]) {
      const bad = await http(base, "GET", `/api/history?${query}`, { token: cat.token });
      expect([query, bad.status, (bad.json!.error as Body).code]).toEqual([query, 400, "bad_request"]);
    }
    const noToken = await http(base, "GET", "/api/online");
    expect([noToken.status, noToken.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="cim"']);
    const wrongMethod = await http(base, "PUT", "/api/login", { body: {} });
    expect([wrongMethod.status, (wrongMethod.json!.error as Body).code, wrongMethod.headers.get("allow")]).toEqual([405, "method_not_allowed", "POST"]);
    const tooBig = await http(base, "POST", "/api/login", { body: { userName: "x", password: "y".repeat(17_000) } });
    expect([tooBig.status, (tooBig.json!.error as Body).code]).toEqual([413, "payload_too_large"]);
    for (const url of [base, cluster.gateways[0]!.url]) {
      const health = await fetch(`${url}/healthz`);
      expect([url, health.status]).toEqual([url, 200]);
    }
    const openapi = await http(base, "GET", "/api/openapi.json");
    expect([openapi.status, String(openapi.json!.openapi)]).toEqual([200, expect.stringMatching(/^3\.1\./)]);
    expect(Object.keys(openapi.json!.paths as Body)).toEqual(expect.arrayContaining(["/api/register", "/api/login", "/api/history", "/api/messages", "/api/rooms"]));
    // The history answer's description names a message's fields, as CONTRACT's table does.
    const historyAnswer = JSON.stringify(((openapi.json!.paths as Record<string, Record<string, Body>>)["/api/history"]!.get!.responses as Body)["200"]);
    expect(historyAnswer).toContain("{msgId, from, fromName, to, text, ts, room");
    const stats = await http(base, "GET", "/api/admin/stats", { token: TEST_ADMIN_TOKEN });
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({ online: expect.any(Number), gateways: expect.arrayContaining([expect.objectContaining({ id: "gw-a", wsUrl: expect.stringMatching(/^ws:/), connections: expect.any(Number) })]) });
    const self = await http(base, "GET", `/api/history?with=${cat.userId}`, { token: cat.token });
    expect(self.json).toEqual({ messages: [], events: [] });

    // POST /api/messages: 202 {msgId}; the message reaches the peer's socket as a Message.
    const overHttp = await http(base, "POST", "/api/messages", { token: cat.token, body: { to: dan.userId, text: "over http", clientMsgId: "h-1" } });
    expect(overHttp.status).toBe(202);
    expect(overHttp.json).toEqual({ msgId: expect.stringMatching(/^\d+$/) });
    expect(await dan.session.frame("message", (m) => m.msgId === overHttp.json!.msgId)).toMatchObject({ from: cat.userId, text: "over http" });
    const again = await http(base, "POST", "/api/messages", { token: cat.token, body: { to: dan.userId, text: "over http", clientMsgId: "h-1" } });
    expect(again.json).toEqual(overHttp.json);

    // Sends the gateway refuses, each answered Error{code, clientMsgId}; the session stays open.
    const refusals: Array<[Body, string]> = [
      [{ clientMsgId: "e-1", to: cat.userId, text: "to myself" }, "bad_request"],
      [{ clientMsgId: "e-2", to: dan.userId, room: "everyone", text: "both" }, "bad_request"],
      [{ clientMsgId: "e-3", to: dan.userId, text: "   " }, "bad_request"],
      [{ clientMsgId: "e-4", to: dan.userId, text: "x".repeat(4_001) }, "payload_too_large"],
      [{ clientMsgId: "bad id!", to: dan.userId, text: "id" }, "bad_request"],
      [{ clientMsgId: "e-6", room: "r999999", text: "no such room" }, "not_member"],
    ];
    for (const [send, code] of refusals) {
      cat.session.send("send", send);
      const error = await cat.session.frame("error", (e) => e.clientMsgId === send.clientMsgId);
      expect([send.clientMsgId, error.code]).toEqual([send.clientMsgId, code]);
    }
    cat.session.send("send", { clientMsgId: "ok-1", to: dan.userId, text: "x".repeat(4_000) });
    await cat.session.frame("sendAck", (b) => b.clientMsgId === "ok-1");
    expect(cat.session.closed).toBeNull();

    // Login refusals: a bad token, a first frame that is no Login, a second Login.
    const badToken = await Session.open(cat.wsUrl);
    sessions.push(badToken);
    badToken.send("login", { token: "not-a-token" });
    expect((await badToken.frame("error")).code).toBe("unauthorized");
    expect(await badToken.until(() => badToken.closed ?? undefined, "close")).toEqual({ code: 4401 });
    const noLogin = await Session.open(cat.wsUrl);
    sessions.push(noLogin);
    noLogin.send("ping", { ts: 1 });
    expect((await noLogin.frame("error")).code).toBe("unauthorized");
    expect(await noLogin.until(() => noLogin.closed ?? undefined, "close")).toEqual({ code: 4401 });
    dan.session.send("login", { token: dan.token });
    expect(await dan.session.until(() => dan.session.closed ?? undefined, "close")).toEqual({ code: 4400 });

    // POST /api/reconnect: a fresh token and a gateway, without the password; a session with it works.
    const reconnect = await http(base, "POST", "/api/reconnect", { token: dan.token, body: {} });
    expect(reconnect.status).toBe(200);
    expect(reconnect.json).toEqual({ userId: dan.userId, userName: "contract-dan", token: expect.any(String), logoutToken: expect.any(String), gateway: { id: expect.any(String), wsUrl: expect.stringMatching(/^ws:/) } });
    const back = await Session.open((reconnect.json!.gateway as Body).wsUrl as string);
    sessions.push(back);
    back.send("login", { token: reconnect.json!.token as string });
    expect((await back.frame("loginAck")).userId).toBe(dan.userId);

    // Signing out the other devices from a new login ends the first one, with the socket of its reconnected token.
    const second = await http(base, "POST", "/api/login", { body: { userName: "contract-dan", password: "contract-pass-1" } });
    const others = await http(base, "POST", "/api/logout/others", { token: second.json!.token as string });
    expect([others.status, others.headers.get("cim-logins-ended")]).toEqual([204, "1"]);
    expect(await back.until(() => back.closed ?? undefined, "close")).toEqual({ code: 4401 });

    // A logged-out login is refused at the gateway too.
    expect((await http(base, "POST", "/api/logout", { token: cat.token })).status).toBe(204);
    const afterLogout = await Session.open(cat.wsUrl);
    sessions.push(afterLogout);
    afterLogout.send("login", { token: cat.token });
    expect(await afterLogout.until(() => afterLogout.closed ?? undefined, "close")).toEqual({ code: 4401 });
  });

  it("pages history, counts unread, reads, and sees presence it asked for", { timeout: 90_000 }, async () => {
    const base = cluster.route.url;
    const eve = await signUp("contract-eve");
    const fay = await signUp("contract-fay");

    // PresenceSubscribe is answered with one PresenceBatch of the current state, then the changes.
    fay.session.send("presenceSubscribe", { userIds: [eve.userId, "999999"] });
    expect(await fay.session.frame("presenceBatch")).toEqual({ presences: [{ userId: eve.userId, userName: "contract-eve", online: true }] });

    // Five messages; history pages of 2, newest first by page, oldest first within one.
    const msgIds: string[] = [];
    for (let i = 1; i <= 5; i++) {
      eve.session.send("send", { clientMsgId: `p-${i}`, to: fay.userId, text: `m${i}` });
      msgIds.push((await eve.session.frame("sendAck", (b) => b.clientMsgId === `p-${i}`)).msgId as string);
    }
    expect(msgIds.map(BigInt)).toEqual([...msgIds.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    const newest = await http(base, "GET", `/api/history?with=${eve.userId}&limit=2`, { token: fay.token });
    expect((newest.json!.messages as Body[]).map((m) => m.text)).toEqual(["m4", "m5"]);
    const older = await http(base, "GET", `/api/history?with=${eve.userId}&limit=2&before=${msgIds[3]}`, { token: fay.token });
    expect((older.json!.messages as Body[]).map((m) => m.text)).toEqual(["m2", "m3"]);

    // Unread from the server, and Read moves it.
    const unread = async () => ((await http(base, "GET", "/api/conversations", { token: fay.token })).json!.conversations as Body[]).find((c) => c.conversation === eve.userId);
    expect(await unread()).toMatchObject({ conversation: eve.userId, kind: "private", name: "contract-eve", unread: 5, lastMsgId: msgIds[4] });
    fay.session.send("read", { conversation: eve.userId, msgId: msgIds[2] });
    await expect.poll(async () => (await unread())?.unread, { timeout: 10_000 }).toBe(2);

    // eve goes: fay, who watches her, hears it.
    eve.session.socket.close(1000);
    expect(await fay.session.frame("presence", (p) => p.online === false)).toEqual({ userId: eve.userId, userName: "contract-eve", online: false });

    // Malformed bytes close with 4400, a frame over 64 KiB with 1009.
    fay.session.socket.send(Buffer.from([0xff, 0xff, 0xff]));
    expect(await fay.session.until(() => fay.session.closed ?? undefined, "close")).toEqual({ code: 4400 });
    const big = await signUp("contract-gus");
    big.session.socket.send(encode("send", { clientMsgId: "big", to: fay.userId, text: "x".repeat(70_000) }));
    expect(await big.session.until(() => big.session.closed ?? undefined, "close")).toEqual({ code: 1009 });
  });
});
