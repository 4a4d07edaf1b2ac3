// CimClient with rooms, several devices and read state: what it sends and what it reports, on a scripted gateway.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage, Read, RoomEvent } from "@cim/protocol";
import { CimClient } from "./client.js";
import { fakeRoute, FakeSocket, fakeToken } from "./testing.js";

const ME = "7";
const message = (msgId: string, fields: Partial<ChatMessage> = {}): ChatMessage => ({ msgId, from: "9", fromName: "bob", to: "", text: `m${msgId}`, ts: 1, room: "", ...fields });

function setup() {
  const sockets: FakeSocket[] = [];
  const route = fakeRoute(() => ({ status: 200, body: { userId: ME, userName: "ann", token: fakeToken({ iat: 0, exp: 4_000_000_000 }), gateway: { id: "gw-a", wsUrl: "ws://gw-a/ws" } } }));
  const warnings: string[] = [];
  const client = new CimClient({
    routeUrl: "http://route.test",
    fetch: route.fetch,
    createSocket: (url) => (sockets.push(new FakeSocket(url)), sockets.at(-1)!),
    backoff: { baseMs: 100, maxMs: 100 },
    logger: { warn: (line) => void warnings.push(line) },
  });
  const received: ChatMessage[] = [];
  const reads: Read[] = [];
  const roomEvents: RoomEvent[] = [];
  client.onMessage((m) => void received.push(m));
  client.onRead((r) => void reads.push(r));
  client.onRoomEvent((e) => void roomEvents.push(e));
  const socketCount = (n: number) => vi.waitFor(() => expect(sockets).toHaveLength(n));
  const logIn = async (ack: Parameters<FakeSocket["accept"]>[1] = {}) => {
    const done = client.logIn("ann", "cim-test-pass-1");
    await socketCount(1);
    sockets[0]!.accept(15_000, ack);
    await done;
    return sockets[0]!;
  };
  /** Drops the live socket and answers the next Login. */
  const reconnect = async (ack: Parameters<FakeSocket["accept"]>[1] = {}) => {
    const n = sockets.length;
    sockets[n - 1]!.serverClose(1006);
    await socketCount(n + 1);
    sockets[n]!.accept(15_000, ack);
    await vi.waitFor(() => expect(client.state).toBe("online"));
    return sockets[n]!;
  };
  return { client, sockets, route, warnings, received, reads, roomEvents, logIn, reconnect };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("CimClient: rooms", () => {
  it("sends to a room, and refuses a send naming both a user and a room", async () => {
    const t = setup();
    const socket = await t.logIn();
    const sent = t.client.send({ room: "r3", text: "hi room", clientMsgId: "c1" });
    socket.push({ kind: "sendAck", body: { clientMsgId: "c1", msgId: "500", ts: 2 } });
    await expect(sent).resolves.toMatchObject({ msgId: "500" });
    expect(socket.sentOf("send")).toEqual([{ clientMsgId: "c1", to: "", text: "hi room", room: "r3", replyTo: "", editOf: "", delete: false, reactTo: "", reaction: "" }]);
    await expect(t.client.send({ to: "9", room: "r3", text: "x" })).rejects.toThrow(/exclusive/);
    expect(socket.sentOf("send")).toHaveLength(1);
  });

  it("a send to a room the user is not in fails with not_member", async () => {
    const t = setup();
    const socket = await t.logIn();
    const sent = t.client.send({ room: "r4", text: "let me in", clientMsgId: "c2" });
    socket.push({ kind: "error", body: { code: "not_member", message: "not a member of r4", clientMsgId: "c2" } });
    await expect(sent).rejects.toMatchObject({ name: "SendError", code: "not_member" });
  });

  it("reports room messages with their room, and membership changes", async () => {
    const t = setup();
    const socket = await t.logIn();
    socket.push({ kind: "messageBatch", body: { messages: [message("10", { room: "r1" }), message("11", { room: "r1" })] } });
    socket.push({ kind: "roomEvent", body: { room: "r1", name: "lunch", userId: "8", userName: "cat", kind: "joined" } });
    expect(t.received.map((m) => [m.room, m.msgId])).toEqual([["r1", "10"], ["r1", "11"]]);
    expect(t.roomEvents).toEqual([{ room: "r1", name: "lunch", userId: "8", userName: "cat", kind: "joined", by: "", byName: "" }]);
    // Room messages get no Delivered receipt (those are for private messages).
    expect(socket.sentOf("delivered")).toEqual([]);
  });
});

describe("CimClient: blocks", () => {
  it("reports a block or unblock made on another device", async () => {
    const t = setup();
    const socket = await t.logIn();
    const events: unknown[] = [];
    t.client.onBlock((event) => void events.push(event));
    socket.push({ kind: "blockEvent", body: { userId: "9", userName: "bob", blocked: true, order: 3 } });
    socket.push({ kind: "blockEvent", body: { userId: "9", userName: "bob", blocked: false, order: 4 } });
    expect(events).toEqual([{ userId: "9", userName: "bob", blocked: true, order: 3 }, { userId: "9", userName: "bob", blocked: false, order: 4 }]);
  });
});

describe("CimClient: cursors per stream", () => {
  it("adopts LoginAck's positions for streams it had none for, and names every stream at the next Login", async () => {
    const t = setup();
    const first = await t.logIn({ groupPosition: "100", inboxPosition: "40", rooms: [{ room: "r1", after: "10" }, { room: "r2", after: "" }] });
    // messageBatches: the SDK takes MessageBatch frames, which a gateway sends only to a client that says so.
    expect(first.sentOf("login")[0]).toMatchObject({ groupAfter: "", inboxAfter: "", rooms: [], messageBatches: true });
    expect(t.client.cursors).toEqual({ group: "100", inbox: "40", rooms: { r1: "10" } });
    first.push({ kind: "message", body: message("12", { room: "r1" }) });
    first.push({ kind: "message", body: message("5", { room: "r2" }) });
    first.push({ kind: "message", body: message("100") });
    const second = await t.reconnect({ groupPosition: "300", inboxPosition: "300", rooms: [{ room: "r1", after: "300" }, { room: "r5", after: "7" }] });
    expect(second.sentOf("login")[0]).toMatchObject({ groupAfter: "100", inboxAfter: "40", rooms: [{ room: "r1", after: "12" }, { room: "r2", after: "5" }], messageBatches: true });
    expect(t.client.cursors).toEqual({ group: "100", inbox: "40", rooms: { r1: "12", r2: "5", r5: "7" } });
    // The repeat of group 100 (not newer than the adopted position) was dropped and counted.
    expect(t.received.map((m) => m.msgId)).toEqual(["12", "5"]);
    expect(t.client.stats.duplicatesDropped).toBe(1);
  });

  it("stops naming a room the user left", async () => {
    const t = setup();
    const socket = await t.logIn({ rooms: [{ room: "r1", after: "10" }, { room: "r2", after: "20" }] });
    socket.push({ kind: "roomEvent", body: { room: "r1", name: "lunch", userId: "8", userName: "cat", kind: "left" } });
    socket.push({ kind: "roomEvent", body: { room: "r2", name: "tea", userId: ME, userName: "ann", kind: "left" } });
    const next = await t.reconnect();
    expect(next.sentOf("login")[0]!.rooms).toEqual([{ room: "r1", after: "10" }]);
  });

  it("takes stored cursors without rooms, as an older app saved them", async () => {
    const t = setup();
    t.client.cursors = { group: "8", inbox: "9" };
    const socket = await t.logIn();
    expect(socket.sentOf("login")[0]).toMatchObject({ groupAfter: "8", inboxAfter: "9", rooms: [] });
  });
});

describe("CimClient: several devices", () => {
  it("shows what the user sent from another device, and drops its own sends coming back silently", async () => {
    const t = setup();
    const socket = await t.logIn();
    const sent = [t.client.send({ room: "r1", text: "mine", clientMsgId: "c1" }), t.client.send({ to: "9", text: "psst", clientMsgId: "c2" })];
    socket.push({ kind: "sendAck", body: { clientMsgId: "c1", msgId: "60", ts: 1 } });
    socket.push({ kind: "sendAck", body: { clientMsgId: "c2", msgId: "61", ts: 1 } });
    await Promise.all(sent);
    socket.push({ kind: "message", body: message("60", { room: "r1", from: ME, fromName: "ann", text: "mine" }) });
    socket.push({ kind: "message", body: message("61", { to: "9", from: ME, fromName: "ann", text: "psst" }) });
    socket.push({ kind: "message", body: message("62", { room: "r1", from: ME, fromName: "ann", text: "from my phone" }) });
    socket.push({ kind: "message", body: message("63", { to: "9", from: ME, fromName: "ann", text: "phone to bob" }) });
    expect(t.received.map((m) => m.text)).toEqual(["from my phone", "phone to bob"]);
    expect(t.client.stats).toEqual({ duplicatesDropped: 0, ownEchoesDropped: 2 });
    expect(t.warnings).toEqual([]);
    expect(t.client.cursors).toEqual({ group: "", inbox: "63", rooms: { r1: "62" } });
    // A private message the user sent is not answered with Delivered (that receipt is the peer's to give).
    expect(socket.sentOf("delivered")).toEqual([]);
    socket.push({ kind: "message", body: message("64", { to: ME }) });
    expect(socket.sentOf("delivered")).toEqual([{ msgId: "64", by: "", from: "9" }]);
  });
});

describe("CimClient: read state", () => {
  it("markRead sends one Read per conversation at a time, the newest waiting; the echo releases it", async () => {
    const t = setup();
    const socket = await t.logIn();
    t.client.markRead("r1", "10");
    t.client.markRead("r1", "11");
    t.client.markRead("r1", "12");
    t.client.markRead("9", "70");
    expect(socket.sentOf("read")).toEqual([{ conversation: "r1", msgId: "10", by: "" }, { conversation: "9", msgId: "70", by: "" }]);
    socket.push({ kind: "read", body: { conversation: "r1", msgId: "10", by: ME } });
    expect(socket.sentOf("read").map((r) => `${r.conversation}:${r.msgId}`)).toEqual(["r1:10", "9:70", "r1:12"]);
    // Unconfirmed: given up after readTimeoutMs (3 s) on the heartbeat tick; nothing waits, so nothing more is sent.
    await vi.advanceTimersByTimeAsync(4_000);
    expect(socket.sentOf("read")).toHaveLength(3);
    expect(t.reads).toEqual([{ conversation: "r1", msgId: "10", by: ME }]);
  });

  it("reports the user's positions from other devices and the peer's seen marks", async () => {
    const t = setup();
    const socket = await t.logIn();
    socket.push({ kind: "read", body: { conversation: "everyone", msgId: "300", by: ME } });
    socket.push({ kind: "read", body: { conversation: "9", msgId: "61", by: "9" } });
    expect(t.reads).toEqual([{ conversation: "everyone", msgId: "300", by: ME }, { conversation: "9", msgId: "61", by: "9" }]);
    // Another device read further: marking an older message here sends nothing.
    t.client.markRead("everyone", "299");
    expect(socket.sentOf("read")).toEqual([]);
  });

  it("a mark made while reconnecting is sent after the next LoginAck", async () => {
    const t = setup();
    const socket = await t.logIn();
    socket.serverClose(1006);
    t.client.markRead("r1", "10");
    await vi.waitFor(() => expect(t.sockets).toHaveLength(2));
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    expect(t.sockets[1]!.sentOf("read")).toEqual([{ conversation: "r1", msgId: "10", by: "" }]);
  });
});

describe("CimClient: route calls of the session", () => {
  it("use the session's token, and reject before login or when naming a user and a room at once", async () => {
    const t = setup();
    await expect(t.client.rooms()).rejects.toThrow("not logged in");
    await t.logIn();
    const token = t.client.session!.token;
    await t.client.createRoom("lunch", "private").catch(() => undefined);
    await t.client.invite("r1", "9").catch(() => undefined);
    await t.client.sendHttp({ room: "r1", text: "over http" }).catch(() => undefined);
    const calls = t.route.calls.filter((c) => c.path !== "/api/login");
    expect(calls.map((c) => [c.method, c.path, c.token === token, c.body])).toEqual([
      ["POST", "/api/rooms", true, { name: "lunch", visibility: "private" }],
      ["POST", "/api/rooms/r1/members", true, { userId: "9" }],
      ["POST", "/api/messages", true, { room: "r1", text: "over http" }],
    ]);
    await expect(t.client.history({ withUser: "9", room: "r1" })).rejects.toThrow(/exclusive/);
    await expect(t.client.sendHttp({ to: "9", room: "r1", text: "x" })).rejects.toThrow(/exclusive/);
  });
});
