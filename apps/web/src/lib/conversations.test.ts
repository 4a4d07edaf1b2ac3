import { describe, expect, it } from "vitest";
import { acknowledge, compareMsgIds, conversationKeyOf, GROUP_KEY, insertMessage, oldestMsgId, type UiMessage } from "./conversations.js";

function msg(msgId: string, extra: Partial<UiMessage> = {}): UiMessage {
  return { id: msgId || extra.clientMsgId || "", msgId, clientMsgId: "", from: "1", fromName: "a", to: "", text: msgId, ts: 1, own: false, status: null, ...extra };
}

describe("conversations", () => {
  it("orders decimal msgIds numerically", () => {
    expect(["10", "9", "100", "11"].sort(compareMsgIds)).toEqual(["9", "10", "11", "100"]);
  });

  it("keys private conversations by the other user and the group by one key", () => {
    expect(conversationKeyOf({ from: "1", to: "" }, "1")).toBe(GROUP_KEY);
    expect(conversationKeyOf({ from: "1", to: "2" }, "1")).toBe("u:2");
    expect(conversationKeyOf({ from: "2", to: "1" }, "1")).toBe("u:2");
  });

  it("merges history, live and cached messages once each, in msgId order, before unacknowledged ones", () => {
    const list: UiMessage[] = [];
    insertMessage(list, msg("", { clientMsgId: "c1", own: true, status: "sending" }));
    for (const id of ["12", "9", "10", "12", "9"]) insertMessage(list, msg(id));
    expect(list.map((m) => m.msgId || m.clientMsgId)).toEqual(["9", "10", "12", "c1"]);
    expect(oldestMsgId(list)).toBe("9");
  });

  it("acknowledges an own message into place and drops the copy history brought", () => {
    const list: UiMessage[] = [];
    insertMessage(list, msg("", { clientMsgId: "c1", own: true, status: "sending" }));
    insertMessage(list, msg("5"));
    insertMessage(list, msg("11"));
    const acked = acknowledge(list, "c1", "11", 42);
    expect(acked).toMatchObject({ msgId: "11", status: "sent", ts: 42, clientMsgId: "c1" });
    expect(list.map((m) => [m.msgId, m.clientMsgId])).toEqual([["5", ""], ["11", "c1"]]);
    expect(acknowledge(list, "nope", "12", 1)).toBeNull();
  });
});
