import { describe, expect, it } from "vitest";
import { encodeFrame } from "@cim/protocol";
import { batchTexts, messageText, sendAckId } from "./cim.js";

const frame = (f: Parameters<typeof encodeFrame>[0]) => Buffer.from(encodeFrame(f));

describe("the bench's CIM frame readers", () => {
  it("read a SendAck's clientMsgId, and nothing from other frames", () => {
    expect(sendAckId(frame({ kind: "sendAck", body: { clientMsgId: "b42", msgId: "1795979453318000", ts: 1795979453318 } }))).toBe("b42");
    expect(sendAckId(frame({ kind: "ping", body: { ts: 0 } }))).toBeNull();
    expect(sendAckId(frame({ kind: "error", body: { code: "rate_limited", message: "slow down", clientMsgId: "b43" } }))).toBeNull();
  });

  it("read a message's text and a batch's texts, and no text from a SendAck", () => {
    const message = { msgId: "7", from: "1", fromName: "a", to: "2", room: "", text: "r1m5 12.5", ts: 1 };
    expect(messageText(frame({ kind: "message", body: message }))).toBe("r1m5 12.5");
    expect(batchTexts(frame({ kind: "messageBatch", body: { messages: [message, { ...message, text: "r1m6 13" }] } }))).toEqual(["r1m5 12.5", "r1m6 13"]);
    expect(messageText(frame({ kind: "sendAck", body: { clientMsgId: "b1", msgId: "7", ts: 1 } }))).toBeNull();
  });
});
