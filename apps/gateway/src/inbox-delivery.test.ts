import { afterEach, describe, expect, it, vi } from "vitest";
import pino from "pino";
import { decodeFrame } from "@cim/protocol";
import type { StoredMessage, StreamEntry } from "@cim/state";
import { InboxDelivery, type InboxWake } from "./inbox-delivery.js";
import { createMetrics } from "./metrics.js";
import type { Session } from "./session.js";
import { SessionTable } from "./session-table.js";

const message = (msgId: string, from = "2"): StoredMessage => ({ msgId, from, fromName: from, to: "1", text: `m${msgId}`, ts: 1, room: "" });
const entry = (position: string, from = "2", dev = ""): StreamEntry => ({ position, message: message(position, from), dev });
const wake = (prev: string, position: string, from = "2"): InboxWake => ({ prev, entry: position, message: message(position, from), dev: "" });

/**
 * User 1's session on a gateway whose inbox reads answer from `inbox` (a stand-in for Redis; reads are counted), but
 * the first ones from `demotedAnswers`.
 */
function setUp(inbox: StreamEntry[], { messageBatches = true, confirmWakes = false, demotedAnswers = [] as StreamEntry[][] } = {}) {
  const texts: string[] = [];
  /** How many messages each frame carried. */
  const frames: number[] = [];
  const socket = {};
  const session = {
    socket,
    isOpen: true,
    messageBatches,
    user: { userId: "1", userName: "one", sessionId: "s1" },
    sendBytes: (bytes: Uint8Array) => {
      const frame = decodeFrame(bytes);
      const messages = frame.kind === "message" ? [frame.body] : frame.kind === "messageBatch" ? frame.body.messages : [];
      texts.push(...messages.map((m) => m.text));
      frames.push(messages.length);
      return true;
    },
  } as unknown as Session;
  const table = new SessionTable();
  table.add(session);
  table.bind("1", session);
  const reads: string[] = [];
  const inboxes = {
    read: async (_userId: string, after: string, count: number) => {
      reads.push(after);
      // The first reads answered by a master demoted since, from entries it lost (the rest by the new master).
      const demoted = demotedAnswers.shift();
      if (demoted) return demoted;
      return inbox.filter((e) => BigInt(e.position) > BigInt(after || "0")).slice(0, count);
    },
  };
  const delivery = new InboxDelivery(inboxes, table, createMetrics(), pino({ level: "silent" }), confirmWakes);
  return { delivery, session, texts, reads, frames };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("InboxDelivery", () => {
  afterEach(() => vi.useRealTimers());

  it("sends wake-ups that came out of order in inbox order, without reading the inbox", async () => {
    const { delivery, session, texts, reads } = setUp([]);
    delivery.start(session, "10");
    await settle();
    reads.length = 0;
    // Entry 12 (a peer's reply) is woken before entry 11 (the user's own message on another device).
    delivery.offer("1", wake("11", "12"));
    delivery.offer("1", wake("12", "13"));
    expect(texts).toEqual([]);
    delivery.offer("1", wake("10", "11", "1"));
    expect(texts).toEqual(["m11", "m12", "m13"]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads).toEqual([]);
  });

  it("reads the inbox when the entry a wake-up follows does not come within the grace", async () => {
    const inbox: StreamEntry[] = [];
    const { delivery, session, texts, reads } = setUp(inbox);
    delivery.start(session, "10");
    await settle();
    reads.length = 0;
    inbox.push(entry("11"), entry("12"));
    vi.useFakeTimers();
    delivery.offer("1", wake("11", "12"));
    expect(texts).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    expect(reads).toEqual(["10"]);
    expect(texts).toEqual(["m11", "m12"]);
    // The late wake-up of 11, and a repeat of 12, are passed already.
    delivery.offer("1", wake("10", "11"));
    delivery.offer("1", wake("11", "12"));
    await vi.advanceTimersByTimeAsync(50);
    expect(texts).toEqual(["m11", "m12"]);
    expect(reads).toEqual(["10"]);
  });

  it("sends a wake-up held while the inbox was being read once the read has passed what it follows", async () => {
    const inbox = [entry("11")];
    const { delivery, session, texts, reads } = setUp(inbox);
    delivery.start(session, "10"); // reads: finds 11
    delivery.offer("1", wake("11", "12")); // during that read: held, not read again
    await settle();
    await settle();
    expect(texts).toEqual(["m11", "m12"]);
    expect(reads).toEqual(["10"]);
  });

  it("replays an inbox in MessageBatch frames of at most 64 messages, in order, without what this device sent", async () => {
    // 150 entries from 11: every tenth is this device's own message (s1), which it has already.
    const inbox = Array.from({ length: 150 }, (_, i) => (i % 10 === 9 ? entry(String(11 + i), "1", "s1") : entry(String(11 + i))));
    const { delivery, session, texts, frames } = setUp(inbox);
    delivery.start(session, "10");
    await settle();
    await settle();
    const expected = inbox.filter((e) => e.dev !== "s1").map((e) => e.message.text);
    expect(texts).toEqual(expected);
    expect(frames).toEqual([58, 58, 19]);
    // Its position passed its own last entry too: a wake-up after it is sent at once.
    delivery.offer("1", wake("160", "161"));
    expect(texts.at(-1)).toBe("m161");
  });

  // A client of the first protocol knows no MessageBatch (Login.messageBatches unset): its replay is a frame each.
  it("replays an inbox one Message frame each to a client that takes no MessageBatch", async () => {
    const inbox = Array.from({ length: 70 }, (_, i) => entry(String(11 + i)));
    const { delivery, session, texts, frames } = setUp(inbox, { messageBatches: false });
    delivery.start(session, "10");
    await settle();
    await settle();
    expect(texts).toEqual(inbox.map((e) => e.message.text));
    expect(frames).toEqual(inbox.map(() => 1));
  });

  it("on a cluster, a wake-up of an entry its master then lost does not move the reader past an entry the new master wrote before it", async () => {
    // A master paused past cluster-node-timeout woke, appended 12 (a message queued for it), published its wake-up and
    // was demoted without it; the new master had appended 11 meanwhile, whose wake-up comes after 12's.
    const inbox: StreamEntry[] = [];
    const { delivery, session, texts, reads } = setUp(inbox, { confirmWakes: true });
    delivery.start(session, "10");
    await settle();
    reads.length = 0;
    inbox.push(entry("11"));
    delivery.offer("1", wake("10", "12"));
    expect(texts).toEqual(["m12"]);
    delivery.offer("1", wake("10", "11"));
    for (let i = 0; i < 4; i++) await settle();
    expect(texts).toEqual(["m12", "m11"]);
    // Read from where a read last stood (10): 12 is not there, 11 is sent (once the inbox, read again, holds it: the
    // third read); the position is 11 again.
    expect(reads).toEqual(["11", "10", "10"]);
    inbox.push(entry("13"));
    delivery.offer("1", wake("11", "13"));
    expect(texts).toEqual(["m12", "m11", "m13"]);
  });

  it("on a cluster, a late wake-up of an entry sent from its own wake-up or an inbox read reads nothing", async () => {
    const inbox = [entry("11")];
    const { delivery, session, texts, reads } = setUp(inbox, { confirmWakes: true });
    delivery.start(session, "10");
    await settle();
    delivery.offer("1", wake("11", "12"));
    delivery.offer("1", wake("12", "13"));
    delivery.offer("1", wake("10", "11"));
    delivery.offer("1", wake("11", "12"));
    for (let i = 0; i < 4; i++) await settle();
    expect(texts).toEqual(["m11", "m12", "m13"]);
    // One read, and its check that the inbox holds its newest entry.
    expect(reads).toEqual(["10", "10"]);
  });

  it("on a cluster, a read answered by a master demoted on waking does not move the reader past an entry the new master wrote", async () => {
    // A master paused past cluster-node-timeout woke and answered the read queued for it with 12, an entry it appended
    // on waking and then lost in its demotion; the new master had appended 11 meanwhile (then 13, after 11).
    const inbox = [entry("11")];
    const { delivery, session, texts } = setUp(inbox, { confirmWakes: true, demotedAnswers: [[entry("12")]] });
    delivery.start(session, "10");
    for (let i = 0; i < 4; i++) await settle();
    inbox.push(entry("13"));
    delivery.offer("1", wake("11", "13"));
    for (let i = 0; i < 4; i++) await settle();
    expect(texts).toEqual(["m11", "m13"]);
  });

  it("reads at once a wake-up that does not say where it goes", async () => {
    const inbox: StreamEntry[] = [];
    const { delivery, session, texts, reads } = setUp(inbox);
    delivery.start(session, "10");
    await settle();
    reads.length = 0;
    inbox.push(entry("11"));
    delivery.offer("1", { prev: "", entry: "11", message: message("11"), dev: "" });
    await settle();
    expect(reads).toEqual(["10"]);
    expect(texts).toEqual(["m11"]);
  });

  it("Redis lost under many sessions: their failed inbox reads are logged once per window, not once each", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const table = new SessionTable();
    const lost = Object.assign(new Error("Command aborted due to connection close"), { name: "AbortError" });
    const delivery = new InboxDelivery({ read: () => Promise.reject(lost) }, table, createMetrics(), log);
    for (let i = 0; i < 50; i++) {
      const session = { socket: {}, isOpen: true, user: { userId: String(i), userName: `u${i}`, sessionId: `s${i}` }, sendBytes: () => true } as unknown as Session;
      table.add(session);
      table.bind(String(i), session);
      delivery.start(session, "10");
    }
    await settle();
    await settle();
    // 185 error lines with a stack, one per session, after one link reconnect of a loaded gateway.
    expect(lines.filter((line) => line.includes("inbox delivery failed"))).toHaveLength(1);
  });
});
