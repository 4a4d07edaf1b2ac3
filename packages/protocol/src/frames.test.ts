import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, FrameDecodeError, UnknownFrameError, type Frame } from "./index.js";

describe("frames", () => {
  it("round-trips every kind with defaults filled in", () => {
    const frames: Frame[] = [
      { kind: "login", body: { token: "t.o.k", groupAfter: "", inboxAfter: "17", rooms: [{ room: "r3", after: "12" }], messageBatches: true } },
      { kind: "loginAck", body: { userId: "7", userName: "ann", gatewayId: "gw-a", serverTime: 5, heartbeatMs: 15_000, groupPosition: "4", inboxPosition: "0", rooms: [{ room: "r3", after: "12" }], ratePerSec: 50, rateBurst: 200, maxSendsInFlight: 200, typingSubscribe: true } },
      { kind: "send", body: { clientMsgId: "c1", to: "", text: "héllo <b>", room: "r3", replyTo: "40", editOf: "", delete: false, reactTo: "", reaction: "" } },
      { kind: "send", body: { clientMsgId: "c2", to: "", text: "", room: "r3", replyTo: "", editOf: "41", delete: true, reactTo: "", reaction: "" } },
      { kind: "send", body: { clientMsgId: "c3", to: "9", text: "", room: "", replyTo: "", editOf: "", delete: false, reactTo: "41", reaction: "👍" } },
      { kind: "message", body: { msgId: "42", from: "7", fromName: "ann", to: "9", text: "hi", ts: 1732400000123, room: "", replyTo: "", editOf: "40", deleted: false, reactTo: "", reaction: "", replyFrom: "", replyFromName: "", replyText: "" } },
      { kind: "message", body: { msgId: "43", from: "9", fromName: "bob", to: "7", text: "", ts: 1732400000124, room: "", replyTo: "", editOf: "", deleted: false, reactTo: "42", reaction: "❤️", replyFrom: "", replyFromName: "", replyText: "" } },
      { kind: "presenceSubscribe", body: { userIds: ["7", "8"] } },
      { kind: "typing", body: { conversation: "r3", userId: "7", userName: "ann" } },
      { kind: "blockEvent", body: { userId: "8", userName: "bob", blocked: true, order: 7 } },
      { kind: "typingSubscribe", body: { conversations: ["r3", "everyone"] } },
      { kind: "read", body: { conversation: "r3", msgId: "42", by: "7" } },
      { kind: "roomEvent", body: { room: "r3", name: "team", userId: "8", userName: "bob", kind: "joined", by: "", byName: "" } },
      { kind: "roomEvent", body: { room: "r3", name: "team", userId: "8", userName: "bob", kind: "left", by: "7", byName: "" } },
      { kind: "roomEvent", body: { room: "r3", name: "team", userId: "8", userName: "bob", kind: "invited", by: "7", byName: "ann" } },
      { kind: "presence", body: { userId: "7", userName: "ann", online: false } },
      { kind: "ping", body: { ts: 0 } },
      { kind: "presenceBatch", body: { presences: [{ userId: "7", userName: "ann", online: true }, { userId: "8", userName: "bob", online: false }] } },
      { kind: "messageBatch", body: { messages: [
        { msgId: "1", from: "7", fromName: "ann", to: "", text: "a", ts: 1, room: "", replyTo: "", editOf: "", deleted: false, reactTo: "", reaction: "", replyFrom: "", replyFromName: "", replyText: "" },
        { msgId: "2", from: "8", fromName: "bob", to: "", text: "b", ts: 2, room: "r3", replyTo: "1", editOf: "", deleted: false, reactTo: "", reaction: "", replyFrom: "7", replyFromName: "ann", replyText: "a" },
      ] } },
    ];
    for (const frame of frames) expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it("keeps 64-bit timestamps as numbers", () => {
    const decoded = decodeFrame(encodeFrame({ kind: "sendAck", body: { clientMsgId: "a", msgId: "1", ts: Date.UTC(2030, 0, 1) } }));
    expect(decoded).toEqual({ kind: "sendAck", body: { clientMsgId: "a", msgId: "1", ts: Date.UTC(2030, 0, 1) } });
  });

  it("encodes partial bodies with defaults", () => {
    expect(decodeFrame(encodeFrame({ kind: "login", body: { token: "x" } }))).toEqual({ kind: "login", body: { token: "x", groupAfter: "", inboxAfter: "", rooms: [], messageBatches: false } });
  });

  it("rejects an empty frame and random bytes", () => {
    expect(() => decodeFrame(new Uint8Array())).toThrow(FrameDecodeError);
    expect(() => decodeFrame(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(FrameDecodeError);
  });

  it("rejects a frame whose only field is unknown", () => {
    // field 99, varint 1: valid protobuf, but no body we know
    expect(() => decodeFrame(Uint8Array.from([0x98, 0x06, 0x01]))).toThrow(UnknownFrameError);
    expect(() => decodeFrame(Uint8Array.from([0x98, 0x06, 0x01]))).toThrow(FrameDecodeError);
  });
});
