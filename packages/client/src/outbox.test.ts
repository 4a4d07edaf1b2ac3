import { describe, expect, it } from "vitest";
import { Outbox, type SendFrame } from "./outbox.js";

const frame = (clientMsgId: string): SendFrame => ({ kind: "send", body: { clientMsgId, to: "", text: clientMsgId } });

describe("Outbox", () => {
  it("keeps a Send through retryable errors and resolves it on its ack", async () => {
    const outbox = new Outbox();
    const sent = outbox.add(frame("a"));
    expect(outbox.fail({ code: "unavailable", message: "retry", clientMsgId: "a" })).toBe(true);
    expect(outbox.size).toBe(1);
    outbox.acknowledge({ clientMsgId: "a", msgId: "42", ts: 1 });
    await expect(sent).resolves.toEqual({ clientMsgId: "a", msgId: "42", ts: 1 });
    expect(outbox.size).toBe(0);
  });

  it("fails a Send on a final error, and ignores errors of unknown ones", async () => {
    const outbox = new Outbox();
    const sent = outbox.add(frame("b"));
    expect(outbox.fail({ code: "other", message: "x", clientMsgId: "zzz" })).toBe(false);
    outbox.fail({ code: "unknown_recipient", message: "no user 9", clientMsgId: "b" });
    await expect(sent).rejects.toMatchObject({ name: "SendError", code: "unknown_recipient" });
  });

  it("says what to resend: everything at once, then only what waited long enough", () => {
    const outbox = new Outbox();
    void outbox.add(frame("c"));
    void outbox.add(frame("d"));
    expect(outbox.due(1_000, 0).map((f) => f.body.clientMsgId)).toEqual(["c", "d"]);
    expect(outbox.due(1_500, 1_000)).toEqual([]);
    expect(outbox.due(2_000, 1_000).map((f) => f.body.clientMsgId)).toEqual(["c", "d"]);
  });

  it("writes nothing newer while a Send answered unavailable is written again and unanswered; its ack releases the rest in order", () => {
    const outbox = new Outbox();
    const ids = (frames: SendFrame[]) => frames.map((f) => f.body.clientMsgId);
    void outbox.add(frame("p4"));
    expect(ids(outbox.due(100_000, 5_000))).toEqual(["p4"]);
    outbox.fail({ code: "unavailable", message: "message not stored, retry", clientMsgId: "p4" });
    void outbox.add(frame("p5"));
    expect(outbox.due(101_000, 5_000)).toEqual([]);
    // Written again while Redis is still down: the gateway may hold this attempt and refuse it only after a newer Send
    // was stored (Redis back meanwhile). Before the fix p5 went out with it, and p9 later, and both were stored first.
    expect(ids(outbox.due(105_000, 5_000))).toEqual(["p4"]);
    void outbox.add(frame("p9"));
    expect(outbox.due(106_000, 5_000)).toEqual([]);
    outbox.fail({ code: "unavailable", message: "message not stored, retry", clientMsgId: "p4" });
    expect(outbox.due(109_000, 5_000)).toEqual([]);
    expect(ids(outbox.due(110_000, 5_000))).toEqual(["p4"]);
    outbox.acknowledge({ clientMsgId: "p4", msgId: "40", ts: 1 });
    expect(ids(outbox.due(110_001, 5_000))).toEqual(["p5", "p9"]);
  });
});

describe("Outbox stall", () => {
  it("writes nothing newer while the oldest Send in flight is unanswered for stallAfterMs, and lets the rest go once it is answered", () => {
    const outbox = new Outbox();
    const ids = (frames: SendFrame[]) => frames.map((f) => f.body.clientMsgId);
    void outbox.add(frame("p60"));
    expect(ids(outbox.due(100_000, 5_000, Infinity, Infinity, 2_000))).toEqual(["p60"]);
    void outbox.add(frame("p64"));
    // Within the stall time newer Sends are pipelined as usual.
    expect(ids(outbox.due(101_000, 5_000, Infinity, Infinity, 2_000))).toEqual(["p64"]);
    void outbox.add(frame("p76"));
    // Redis came back meanwhile: the gateway stored p76 before it refused p60 and p64 (a full fault run showed
    // p60 p76 p64 ...). Now p76 waits for them.
    expect(outbox.due(102_000, 5_000, Infinity, Infinity, 2_000)).toEqual([]);
    outbox.acknowledge({ clientMsgId: "p60", msgId: "60", ts: 1 });
    outbox.acknowledge({ clientMsgId: "p64", msgId: "64", ts: 1 });
    expect(ids(outbox.due(102_001, 5_000, Infinity, Infinity, 2_000))).toEqual(["p76"]);
  });
});

describe("Outbox bound", () => {
  it("rejects a Send beyond the limit with a clear error, and takes one again once an ack frees a place", async () => {
    const outbox = new Outbox(2);
    const first = outbox.add(frame("e"));
    void outbox.add(frame("f"));
    await expect(outbox.add(frame("g"))).rejects.toMatchObject({ name: "OutboxFullError", limit: 2, message: expect.stringContaining("2 messages") });
    // A resend of a waiting clientMsgId is not a new message.
    void outbox.add(frame("f"));
    expect(outbox.size).toBe(2);
    outbox.acknowledge({ clientMsgId: "e", msgId: "1", ts: 1 });
    await first;
    void outbox.add(frame("g"));
    expect(outbox.size).toBe(2);
  });
});
