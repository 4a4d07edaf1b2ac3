// CimClient's sending: duplicates reported, the outbox's bound, and never more frames than the gateway's limit.
import { describe, expect, it, vi } from "vitest";
import { ErrorCode } from "@cim/protocol";
import { CimClient } from "./client.js";
import { setup, useFakeClock } from "./client-test-support.js";
import { FakeSocket } from "./testing.js";

useFakeClock();

describe("CimClient: duplicates and the outbox bound", () => {
  it("counts, logs and reports a message not newer than the last one of its stream instead of hiding it", async () => {
    const t = setup();
    await t.logIn();
    const received: string[] = [];
    const duplicates: string[] = [];
    t.client.onMessage((m) => void received.push(m.msgId));
    t.client.onDuplicate((m) => void duplicates.push(m.msgId));
    const message = (msgId: string, to = "") => ({ msgId, from: "9", fromName: "bob", to, text: msgId, ts: 1, room: "" });
    t.sockets[0]!.push({ kind: "message", body: message("100") });
    t.sockets[0]!.push({ kind: "messageBatch", body: { messages: [message("100"), message("99"), message("101")] } });
    t.sockets[0]!.push({ kind: "message", body: message("50", "7") });
    expect(received).toEqual(["100", "101", "50"]);
    expect(duplicates).toEqual(["100", "99"]);
    expect(t.client.stats.duplicatesDropped).toBe(2);
    expect(t.warnings).toHaveLength(2);
    expect(t.warnings[1]).toMatch(/dropped message 99.*group.*2 dropped/);
  });

  it("reports a Send the gateway could not store (`unavailable`) and keeps it until its SendAck; a final error is no retry", async () => {
    const t = setup();
    await t.logIn();
    const retries: string[] = [];
    t.client.onSendRetry((error) => void retries.push(`${error.code}: ${error.message}`));
    const sent = t.client.send({ clientMsgId: "c-1", text: "hello" });
    const refused = t.client.send({ clientMsgId: "c-2", text: "too long" }).catch((e: Error) => e.name);
    t.sockets[0]!.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "message not stored, retry", clientMsgId: "c-1" } });
    t.sockets[0]!.push({ kind: "error", body: { code: ErrorCode.BadRequest, message: "text too long", clientMsgId: "c-2" } });
    expect(retries).toEqual(["unavailable: message not stored, retry"]);
    expect(await refused).toBe("SendError");
    expect(t.client.unacknowledged).toBe(1);
    t.sockets[0]!.push({ kind: "sendAck", body: { clientMsgId: "c-1", msgId: "500", ts: 1 } });
    expect((await sent).msgId).toBe("500");
  });

  it("rejects a send beyond maxUnacknowledged with a clear error", async () => {
    const t = setup();
    const client = new CimClient({ routeUrl: "http://route.test", fetch: t.route.fetch, createSocket: (url) => (t.sockets.push(new FakeSocket(url)), t.sockets.at(-1)!), maxUnacknowledged: 2 });
    const done = client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    t.sockets[0]!.accept();
    await done;
    const pending = [client.send({ text: "one" }), client.send({ text: "two" })].map((p) => p.catch((e: Error) => e.message));
    await expect(client.send({ text: "three" })).rejects.toMatchObject({ name: "OutboxFullError", limit: 2 });
    expect(client.unacknowledged).toBe(2);
    client.close();
    expect(await Promise.all(pending)).toEqual(["client closed", "client closed"]);
  });
});

describe("CimClient: the gateway's frame limit is never exceeded", () => {
  const ackAll = (socket: FakeSocket) => {
    for (const body of socket.sentOf("send")) socket.push({ kind: "sendAck", body: { clientMsgId: body.clientMsgId, msgId: "1", ts: 1 } });
  };

  it("a burst of sends goes out within the budget of the limit LoginAck names, in order, each once", async () => {
    const t = setup();
    const done = t.client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    const socket = t.sockets[0]!;
    socket.accept(15_000, { ratePerSec: 20, rateBurst: 50 });
    await done;
    const acked = Array.from({ length: 100 }, (_, i) => t.client.send({ text: `m${i}` }));
    const sent = () => socket.sentOf("send").map((s) => s.text);
    // 60% of the burst at once, then 80% of the rate: a gateway's bucket of 50 and 20/s is never emptied.
    expect(sent()).toHaveLength(30);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent()).toHaveLength(46);
    // Answered, as a gateway does (a Send unanswered for 2 s would hold back the newer ones: Redis stalls).
    ackAll(socket);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent()).toHaveLength(62);
    for (let second = 0; second < 5; second++) {
      ackAll(socket);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    ackAll(socket);
    await Promise.all(acked);
    expect(sent()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  });

  it("without limits in LoginAck (an older gateway) it keeps 100 Sends in flight at most, and under 50/s, burst 200", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    for (let i = 0; i < 300; i++) void t.client.send({ text: `m${i}` }).catch(() => undefined);
    expect(socket.sentOf("send")).toHaveLength(100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.sentOf("send")).toHaveLength(100);
    ackAll(socket);
    await vi.advanceTimersByTimeAsync(1_000);
    // The 20 left of the burst of 120, and two seconds' 40 each.
    expect(socket.sentOf("send")).toHaveLength(200);
  });

  it("keeps at most half the Sends in flight that LoginAck allows, the next ones written as answers come", async () => {
    const t = setup();
    const done = t.client.logIn("ann", "cim-test-pass-1");
    await t.socketCount(1);
    const socket = t.sockets[0]!;
    socket.accept(15_000, { maxSendsInFlight: 10 });
    await done;
    const acked = Array.from({ length: 12 }, (_, i) => t.client.send({ text: `m${i}` }));
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    for (let round = 0; round < 3; round++) {
      ackAll(socket);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    await Promise.all(acked);
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
  });

  it("a Send answered unavailable holds back the newer ones until it is written again and acknowledged, so order is kept", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    const first = t.client.send({ text: "first" });
    socket.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "store unavailable", clientMsgId: socket.sentOf("send")[0]!.clientMsgId } });
    const second = t.client.send({ text: "second" });
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["first"]);
    await vi.advanceTimersByTimeAsync(6_000);
    // Written again, but not answered yet: the gateway may still be waiting for Redis with it.
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["first", "first"]);
    ackAll(socket);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.sentOf("send").map((s) => s.text)).toEqual(["first", "first", "second"]);
    ackAll(socket);
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
  });

  it("after a reconnect the outbox goes out oldest first within the new session's budget, none held back behind newer sends", async () => {
    const t = setup();
    await t.logIn();
    for (let i = 0; i < 150; i++) void t.client.send({ text: `m${i}` }).catch(() => undefined);
    t.sockets[0]!.serverClose(1006);
    await t.socketCount(2);
    t.sockets[1]!.accept();
    await vi.waitFor(() => expect(t.client.state).toBe("online"));
    void t.client.send({ text: "new" }).catch(() => undefined);
    for (let second = 0; second < 4; second++) {
      ackAll(t.sockets[1]!);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    const texts = t.sockets[1]!.sentOf("send").map((s) => s.text);
    expect(texts.slice(0, 150)).toEqual(Array.from({ length: 150 }, (_, i) => `m${i}`));
    expect(texts[150]).toBe("new");
  });

  it("a flood of private messages is answered with Delivered receipts within the budget: the newest per sender last", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    const senders = ["11", "12", "13"];
    const messages = Array.from({ length: 300 }, (_, i) => ({ msgId: String(1_000 + i), from: senders[i % 3]!, fromName: "x", to: "7", text: `p${i}`, ts: 1, room: "" }));
    socket.push({ kind: "messageBatch", body: { messages } });
    expect(socket.sentOf("delivered")).toHaveLength(120);
    await vi.advanceTimersByTimeAsync(2_000);
    const receipts = socket.sentOf("delivered");
    expect(receipts.length).toBeLessThanOrEqual(123);
    for (const from of senders) expect(receipts.filter((r) => r.from === from).at(-1)!.msgId).toBe(messages.filter((m) => m.from === from).at(-1)!.msgId);
  });

  it("a Delivered the gateway could not apply (Error unavailable naming no Send) is written again", async () => {
    const t = setup();
    await t.logIn();
    const socket = t.sockets[0]!;
    socket.push({ kind: "message", body: { msgId: "5000", from: "11", fromName: "bob", to: "7", text: "hi", ts: 1 } });
    expect(socket.sentOf("delivered")).toEqual([{ msgId: "5000", by: "", from: "11" }]);
    socket.push({ kind: "error", body: { code: ErrorCode.Unavailable, message: "store unavailable" } });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(socket.sentOf("delivered")).toEqual([{ msgId: "5000", by: "", from: "11" }, { msgId: "5000", by: "", from: "11" }]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.sentOf("delivered")).toHaveLength(2);
  });
});
