// Fuzzing the decoder: random and mutated bytes either decode to a known frame or throw FrameDecodeError.
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, FrameDecodeError, type Frame, type FrameKind } from "./index.js";

const KINDS: FrameKind[] = ["login", "loginAck", "error", "ping", "pong", "send", "sendAck", "message", "delivered", "presence", "messageBatch", "presenceBatch", "read", "roomEvent", "presenceSubscribe", "typing", "blockEvent", "typingSubscribe"];

function seeded(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function check(bytes: Uint8Array): "ok" | "rejected" {
  try {
    const frame: Frame = decodeFrame(bytes);
    expect(KINDS).toContain(frame.kind);
    encodeFrame(frame); // what decodes must encode again
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(FrameDecodeError);
    return "rejected";
  }
}

describe("decodeFrame fuzz", () => {
  const random = seeded(7);
  const samples: Uint8Array[] = [
    encodeFrame({ kind: "login", body: { token: "eyJ.abc.def", groupAfter: "123", inboxAfter: "" } }),
    encodeFrame({ kind: "send", body: { clientMsgId: "c-1", to: "42", text: "hello 🌍" } }),
    encodeFrame({ kind: "delivered", body: { msgId: "1732400000000000", from: "7" } }),
    encodeFrame({ kind: "ping", body: { ts: Date.now() } }),
    encodeFrame({ kind: "send", body: { clientMsgId: "c-2", room: "r12", text: "to the room" } }),
    encodeFrame({ kind: "read", body: { conversation: "r12", msgId: "1732400000000001" } }),
    encodeFrame({ kind: "send", body: { clientMsgId: "c-3", room: "r12", text: "fixed", editOf: "1732400000000001" } }),
    encodeFrame({ kind: "presenceSubscribe", body: { userIds: ["7", "42"] } }),
    encodeFrame({ kind: "typing", body: { conversation: "42" } }),
    encodeFrame({ kind: "typingSubscribe", body: { conversations: ["42", "r12"] } }),
  ];

  it("survives 10,000 random buffers", () => {
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < 10_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      outcomes[check(bytes)]++;
    }
    expect(outcomes.ok + outcomes.rejected).toBe(10_000);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  it("survives 10,000 mutations of valid frames (flips, truncations, insertions)", () => {
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < 10_000; i++) {
      const bytes = Array.from(samples[i % samples.length]!);
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(random() * (bytes.length + 1));
        const op = random();
        if (op < 0.5 && bytes.length) bytes[at % bytes.length] = Math.floor(random() * 256);
        else if (op < 0.75) bytes.splice(at, 0, Math.floor(random() * 256));
        else bytes.length = at;
      }
      outcomes[check(Uint8Array.from(bytes))]++;
    }
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });
});
