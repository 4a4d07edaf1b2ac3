import { describe, expect, it } from "vitest";
import {
  acknowledge, applyRead, applyReceipt, applySummary, compareMsgIds, countFromOthersAfter, firstUnreadAfter, formatUnread, insertMessage, kindOf, lastActivity, lastEditable, mergeMessage, mergeStored, stepConversation,
  matchesFilter, newConversation, newestMsgId, oldestMsgId, previewOf, previewParts, toUiMessage, unreadStartLoaded, upgradeStatus, type UiMessage,
} from "./conversations.js";

const ME = "1";
const PEER = "2";

function msg(msgId: string, extra: Partial<UiMessage> = {}): UiMessage {
  return { id: msgId || extra.clientMsgId || "", msgId, clientMsgId: "", from: PEER, fromName: "bob", to: "", room: "", text: msgId, ts: 1, own: false, status: null, ...extra };
}

function own(msgId: string, status: UiMessage["status"] = "sent"): UiMessage {
  return msg(msgId, { from: ME, fromName: "me", own: true, status });
}

describe("conversations", () => {
  it("orders decimal msgIds numerically", () => {
    expect(["10", "9", "100", "11"].sort(compareMsgIds)).toEqual(["9", "10", "11", "100"]);
  });

  it("the Up arrow edits the newest own message that is acknowledged and not deleted, past newer ones of others", () => {
    const sending = { ...own("", "sending"), id: "c1", clientMsgId: "c1" };
    const list = [own("5"), own("7"), { ...own("8"), deleted: true }, msg("9"), sending];
    expect(lastEditable(list)?.msgId).toBe("7");
    expect(lastEditable([msg("1"), msg("2")])).toBeUndefined();
  });

  it("Alt+Up and Alt+Down step through the list's order without wrapping; with Shift only to unread ones", () => {
    const order = ["everyone", "r1", "7", "8", "9"].map((key, i) => ({ ...newConversation(key), unread: i === 1 || i === 4 ? 2 : 0 }));
    expect(stepConversation(order, "7", 1)).toBe("8");
    expect(stepConversation(order, "7", -1)).toBe("r1");
    expect(stepConversation(order, "everyone", -1)).toBeUndefined();
    expect(stepConversation(order, "9", 1)).toBeUndefined();
    expect(stepConversation(order, "7", 1, { unreadOnly: true })).toBe("9");
    expect(stepConversation(order, "7", -1, { unreadOnly: true })).toBe("r1");
    expect(stepConversation(order, "r1", -1, { unreadOnly: true })).toBeUndefined();
  });

  it("Alt+Up and Alt+Down step only through the conversations the list's filter keeps", () => {
    const order = [["everyone", "Everyone"], ["r1", "Design"], ["7", "ann"], ["8", "bob"], ["9", "anna"]].map(([key, title]) => newConversation(key!, title));
    expect(stepConversation(order, "7", 1, { filter: "AN" })).toBe("9");
    expect(stepConversation(order, "9", -1, { filter: "an" })).toBe("7");
    expect(stepConversation(order, "9", 1, { filter: "an" })).toBeUndefined();
    // From a conversation the filter hides: the first (or last) one it keeps.
    expect(stepConversation(order, "8", 1, { filter: "an" })).toBe("7");
    expect(stepConversation(order, "8", -1, { filter: "an" })).toBe("9");
    expect(stepConversation(order, "8", 1, { filter: "nobody" })).toBeUndefined();
  });

  it("tells Everyone, rooms and private chats apart by their key", () => {
    expect(kindOf("everyone")).toBe("everyone");
    expect(kindOf("r12")).toBe("room");
    expect(kindOf("42")).toBe("private");
    expect(newConversation("everyone")).toMatchObject({ title: "Everyone", peerId: "", visibility: "public" });
    expect(newConversation("r3", "Ops")).toMatchObject({ kind: "room", title: "Ops", peerId: "", visibility: "" });
    expect(newConversation("42", "carol")).toMatchObject({ kind: "private", title: "carol", peerId: "42" });
  });

  it("merges history, live and cached messages once each, in msgId order, before unacknowledged ones", () => {
    const list: UiMessage[] = [];
    insertMessage(list, msg("", { clientMsgId: "c1", own: true, status: "sending" }));
    for (const id of ["12", "9", "10", "12", "9"]) insertMessage(list, msg(id));
    expect(list.map((m) => m.msgId || m.clientMsgId)).toEqual(["9", "10", "12", "c1"]);
    expect(oldestMsgId(list)).toBe("9");
  });

  it("merges stored messages at once, in msgId order, before own messages not acknowledged yet, none twice and none unread", () => {
    const conversation = newConversation("everyone");
    for (const message of [msg("5"), msg("11"), msg("", { clientMsgId: "c1", own: true, status: "sending" }), msg("", { clientMsgId: "c2", own: true, status: "sending" })]) {
      insertMessage(conversation.messages, message);
    }
    const added = mergeStored(conversation, [msg("3"), msg("12"), msg("9"), msg("11"), msg("1"), msg("9")]);
    expect(added.map((m) => m.msgId)).toEqual(["1", "3", "9", "12"]);
    expect(conversation.messages.map((m) => m.msgId || m.clientMsgId)).toEqual(["1", "3", "5", "9", "11", "12", "c1", "c2"]);
    expect(conversation.lastMsgId).toBe("12");
    expect(conversation.unread).toBe(0);
    // Nothing new: the list stays the one it was.
    const before = conversation.messages;
    expect(mergeStored(conversation, [msg("3"), msg("12")])).toEqual([]);
    expect(conversation.messages).toBe(before);
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

  it("a stored copy of an own message still waiting for its SendAck is that message, not a second one", () => {
    const conversation = newConversation("everyone");
    const waiting = { ...own("", "sending"), id: "c1", clientMsgId: "c1", text: "kept on this device" };
    insertMessage(conversation.messages, msg("5"));
    insertMessage(conversation.messages, waiting);
    // History (or the cache) brings it before the gateway's answer: one message, sent, in its place.
    mergeStored(conversation, [msg("9"), { ...own("11"), text: "kept on this device", ts: 7 }]);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId, m.status])).toEqual([["5", "", null], ["9", "", null], ["11", "c1", "sent"]]);
    expect(conversation.lastMsgId).toBe("11");
    // The SendAck then changes nothing that shows.
    expect(acknowledge(conversation.messages, "c1", "11", 7)).toMatchObject({ msgId: "11", status: "sent" });
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId])).toEqual([["5", ""], ["9", ""], ["11", "c1"]]);
  });

  it("a replayed own message waiting for its SendAck is taken the same way; one of the same words acknowledged as another stays", () => {
    const conversation = newConversation("everyone");
    insertMessage(conversation.messages, { ...own("", "sending"), id: "c1", clientMsgId: "c1", text: "ok" });
    expect(mergeMessage(conversation, { ...own("12"), text: "ok" }, true)).toBe(false);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId])).toEqual([["12", "c1"]]);
    // It was the same words sent from another device: the SendAck names another msgId, and both show.
    acknowledge(conversation.messages, "c1", "14", 9);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId, m.text])).toEqual([["12", "", "ok"], ["14", "c1", "ok"]]);
  });

  it("two logins sending the same words at once: only the stored one this login sent takes the waiting message's place", () => {
    const conversation = newConversation("everyone");
    insertMessage(conversation.messages, { ...own("", "sending"), id: "c1", clientMsgId: "c1", text: "same words" });
    // History brings both: the other login's first (older), then this login's. Route says which is which (sentHere).
    const stored = [
      toUiMessage({ msgId: "30", from: ME, fromName: "me", to: "", text: "same words", ts: 3, room: "", sentHere: false }, ME),
      toUiMessage({ msgId: "31", from: ME, fromName: "me", to: "", text: "same words", ts: 4, room: "", sentHere: true }, ME),
    ];
    mergeStored(conversation, stored);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId, m.status])).toEqual([["30", "", "sent"], ["31", "c1", "sent"]]);
    // The SendAck then changes nothing that shows.
    acknowledge(conversation.messages, "c1", "31", 4);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId])).toEqual([["30", ""], ["31", "c1"]]);
  });

  it("an own message a gateway frame brings (another login's) never takes a waiting message's place; one with no login said still does by its words", () => {
    const conversation = newConversation("everyone");
    insertMessage(conversation.messages, { ...own("", "sending"), id: "c1", clientMsgId: "c1", text: "ok" });
    mergeMessage(conversation, { ...own("12"), text: "ok", sentHere: false }, true);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId, m.status])).toEqual([["12", "", "sent"], ["", "c1", "sending"]]);
    // A record stored without its device (sentHere absent): the words decide, as before.
    mergeStored(conversation, [{ ...own("13"), text: "ok" }]);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId])).toEqual([["12", ""], ["13", "c1"]]);
    expect(toUiMessage({ msgId: "14", from: PEER, fromName: "bob", to: "", text: "x", ts: 1, room: "", sentHere: true }, ME).sentHere).toBeUndefined();
  });

  it("an older page's own message of the same words is not the one waiting for its SendAck", () => {
    const conversation = newConversation("everyone");
    insertMessage(conversation.messages, { ...own("20"), text: "ok" });
    insertMessage(conversation.messages, { ...own("", "sending"), id: "c2", clientMsgId: "c2", text: "ok" });
    mergeStored(conversation, [{ ...own("8"), text: "ok" }]);
    expect(conversation.messages.map((m) => [m.msgId, m.clientMsgId, m.status])).toEqual([["8", "", "sent"], ["20", "", "sent"], ["", "c2", "sending"]]);
  });

  it("shows what this user sent from another device as own, marked as far as the peer's receipts go", () => {
    const message = { msgId: "20", from: ME, fromName: "me", to: PEER, text: "hi", ts: 5, room: "" };
    expect(toUiMessage(message, ME)).toMatchObject({ own: true, status: "sent" });
    expect(toUiMessage(message, ME, { delivered: "25", seen: "20" })).toMatchObject({ own: true, status: "seen" });
    expect(toUiMessage(message, ME, { delivered: "25", seen: "19" })).toMatchObject({ status: "delivered" });
    expect(toUiMessage(message, ME, { delivered: "19", seen: "" })).toMatchObject({ status: "sent" });
    expect(toUiMessage(message, PEER)).toMatchObject({ own: false, status: null });
  });

  it("moves receipts forward only: sent, delivered, seen", () => {
    const message = own("5");
    upgradeStatus(message, "seen");
    upgradeStatus(message, "delivered");
    expect(message.status).toBe("seen");
    const pending = own("", "sending");
    upgradeStatus(pending, "delivered");
    expect(pending.status).toBe("sending");
    const failed = own("6", "failed");
    upgradeStatus(failed, "seen");
    expect(failed.status).toBe("failed");
  });
});

/** `list`, counting how many of its messages are read. */
function counted(list: UiMessage[]): { list: UiMessage[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { list: proxy, reads: () => reads };
}

describe("insertMessage in a long list", () => {
  /** Messages 10000, 10002, … 11998. */
  const long = () => Array.from({ length: 1_000 }, (_, i) => msg(String(10_000 + 2 * i)));

  it("reads only the newest messages for a live one, and still refuses one it has", () => {
    const { list, reads } = counted(long());
    expect(insertMessage(list, msg("20000"))).toBe(true);
    expect(reads()).toBeLessThan(5);
    expect(insertMessage(list, msg("11000"))).toBe(false);
    expect(insertMessage(list, msg("10999"))).toBe(true);
    expect(list.map((m) => m.msgId).slice(498, 502)).toEqual(["10996", "10998", "10999", "11000"]);
  });

  it("finds an own message being sent anywhere by its clientMsgId", () => {
    const sending = { ...own("", "sending"), id: "c1", clientMsgId: "c1" };
    const list = [sending, ...long()];
    expect(insertMessage(list, { ...sending })).toBe(false);
    expect(list).toHaveLength(1_001);
  });
});

describe("firstUnreadAfter", () => {
  it("is the first message from others after the read position, own ones passed over", () => {
    const c = { ...newConversation(PEER, "bob"), messages: [msg("10"), own("11"), own("12"), msg("13"), msg("14")] };
    expect(firstUnreadAfter(c, "11")).toBe("13");
    expect(firstUnreadAfter(c, "14")).toBe("");
  });

  it("is not known while every loaded message is unread and older ones are not loaded; known once nothing is older", () => {
    const c = { ...newConversation(PEER, "bob"), messages: [msg("20"), msg("21")] };
    expect(firstUnreadAfter(c, "10")).toBe("");
    expect(firstUnreadAfter(c, "")).toBe("");
    c.hasOlder = false;
    expect(firstUnreadAfter(c, "10")).toBe("20");
    expect(firstUnreadAfter(c, "")).toBe("20");
  });

  it("is the oldest loaded unread one once the newest pages are in and more unread than they hold go further back", () => {
    const c = { ...newConversation(PEER, "bob"), messages: [own("20"), msg("21"), msg("22")] };
    expect(firstUnreadAfter(c, "10")).toBe("");
    c.historyLoaded = true;
    expect(firstUnreadAfter(c, "10")).toBe("21");
    expect(unreadStartLoaded(c, "10")).toBe(false);
  });
});

describe("unread counts", () => {
  it("counts live messages from others that are newer than everything known, never own, history or repeats", () => {
    const c = newConversation(PEER, "bob");
    expect(mergeMessage(c, msg("10"), true)).toBe(true);
    expect(mergeMessage(c, msg("10"), true)).toBe(false);
    expect(mergeMessage(c, own("11"), true)).toBe(false);
    expect(mergeMessage(c, msg("8"), false)).toBe(false);
    expect(mergeMessage(c, msg("12"), true)).toBe(true);
    expect(c.unread).toBe(2);
    expect(c.lastMsgId).toBe("12");
  });

  it("takes route's count and adds what arrived after route counted", () => {
    const c = newConversation("r1", "ops");
    mergeMessage(c, msg("30"), true);
    mergeMessage(c, msg("31"), true);
    applySummary(c, { conversation: "r1", name: "ops", unread: 5, lastMsgId: "30", readUpTo: "20" });
    expect(c.unread).toBe(6);
    expect(c.readUpTo).toBe("20");
    expect(c.lastMsgId).toBe("31");
    // A live message route's list already counted is not counted twice.
    applySummary(c, { conversation: "r1", name: "ops", unread: 7, lastMsgId: "33", readUpTo: "20" });
    mergeMessage(c, msg("33"), true);
    expect(c.unread).toBe(7);
  });

  it("keeps a read mark route has not applied yet", () => {
    const c = newConversation("r1", "ops");
    for (const id of ["30", "31", "32"]) mergeMessage(c, msg(id), true);
    applyRead(c, "31");
    applySummary(c, { conversation: "r1", name: "ops", unread: 3, lastMsgId: "32", readUpTo: "20" });
    expect(c.unread).toBe(1);
    // Without readUpTo in route's answer: a local mark at its newest message means nothing unread.
    applyRead(c, "32");
    applySummary(c, { conversation: "r1", name: "ops", unread: 3, lastMsgId: "32" });
    expect(c.unread).toBe(0);
  });

  it("follows this user's reads from other devices, asking route when older messages are not loaded", () => {
    const c = newConversation("r1", "ops");
    applySummary(c, { conversation: "r1", name: "ops", unread: 40, lastMsgId: "100" });
    for (const id of ["98", "99", "100"]) mergeMessage(c, msg(id), false);
    expect(applyRead(c, "50")).toBe(true);
    expect(c.unread).toBe(40);
    expect(applyRead(c, "99")).toBe(false);
    expect(c.unread).toBe(1);
    expect(applyRead(c, "98")).toBe(false);
    expect(c.readUpTo).toBe("99");
    expect(applyRead(c, "100")).toBe(false);
    expect(c.unread).toBe(0);
  });

  it("counts only messages from others after a position, and caps the badge's text", () => {
    expect(countFromOthersAfter([msg("1"), own("2"), msg("3"), msg("4")], "2")).toBe(2);
    expect(formatUnread(7)).toBe("7");
    expect(formatUnread(1000)).toBe("1000+");
  });
});

describe("read and seen positions", () => {
  it("marks own messages delivered and seen up to the peer's positions, later ones when they move", () => {
    const c = newConversation(PEER, "bob");
    for (const m of [own("5", "delivered"), msg("6"), own("7"), own("8"), own("", "sending")]) insertMessage(c.messages, m);
    applyReceipt(c, "seen", "6");
    applyReceipt(c, "delivered", "7");
    expect(c.messages.map((m) => m.status)).toEqual(["seen", null, "delivered", "sent", "sending"]);
    applyReceipt(c, "seen", "5");
    applyReceipt(c, "delivered", "5");
    expect([c.seenUpTo, c.deliveredUpTo]).toEqual(["6", "7"]);
    applyReceipt(c, "seen", "8");
    expect(c.messages.map((m) => m.status)).toEqual(["seen", null, "seen", "seen", "sending"]);
  });

  it("knows the newest msgId and the latest activity from messages or route's list", () => {
    const c = newConversation(PEER, "bob");
    expect(newestMsgId(c)).toBe("");
    applySummary(c, { conversation: PEER, name: "bob", unread: 0, lastMsgId: "1700000000000000" });
    expect(lastActivity(c)).toBe(1_700_000_000_000);
    mergeMessage(c, msg("1700000000000100", { ts: 1_700_000_000_500 }), true);
    expect(newestMsgId(c)).toBe("1700000000000100");
    expect(lastActivity(c)).toBe(1_700_000_000_500);
  });
});

describe("matchesFilter", () => {
  it("keeps the conversations whose title holds the typed text, in any case and anywhere in the name", () => {
    expect(matchesFilter({ title: "Design Team" }, "team")).toBe(true);
    expect(matchesFilter({ title: "Design Team" }, "  DESIGN ")).toBe(true);
    expect(matchesFilter({ title: "ann.smith" }, "smith")).toBe(true);
    expect(matchesFilter({ title: "bob" }, "ann")).toBe(false);
    expect(matchesFilter({ title: "bob" }, "  ")).toBe(true);
  });
});

describe("previewParts", () => {
  it("gives who wrote apart from what, for the list to draw each in its own direction", () => {
    expect(previewParts({ kind: "room" }, msg("7", { text: "all", fromName: "سارة-57" }))).toEqual({ who: "سارة-57", text: "all" });
    expect(previewParts({ kind: "room" }, msg("8", { text: "mine", own: true }))).toEqual({ who: "You", text: "mine" });
    expect(previewParts({ kind: "private" }, msg("9", { text: "hi" }))).toEqual({ who: "", text: "hi" });
    expect(previewParts({ kind: "room" }, msg("7", { text: "all" }), true)).toEqual({ who: "", text: "Message from a blocked user" });
  });
});

describe("previewOf", () => {
  it("names the sender in rooms and says You for own messages, but not the peer in a private chat, whose name is the title", () => {
    expect(previewOf({ kind: "private" }, msg("5", { text: "hi" }))).toBe("hi");
    expect(previewOf({ kind: "private" }, msg("6", { text: "hello", own: true }))).toBe("You: hello");
    expect(previewOf({ kind: "room" }, msg("7", { text: "all" }))).toBe("bob: all");
    expect(previewOf({ kind: "room" }, msg("8", { deleted: true }))).toBe("bob: message deleted");
    expect(previewOf({ kind: "room" }, undefined)).toBe("No messages yet");
    expect(previewOf({ kind: "private" }, msg("9", { text: "see **this**" }))).toBe("see this");
  });

  it("says how many messages are new, not \"No messages yet\", when none of a conversation's messages is loaded yet", () => {
    expect(previewOf({ kind: "private", lastMsgId: "1700000000000001", unread: 2 }, undefined)).toBe("2 new messages");
    expect(previewOf({ kind: "room", lastMsgId: "1700000000000001", unread: 1 }, undefined)).toBe("1 new message");
    expect(previewOf({ kind: "room", lastMsgId: "1700000000000001", unread: 1500 }, undefined)).toBe("1000+ new messages");
    expect(previewOf({ kind: "room", lastMsgId: "1700000000000001", unread: 0 }, undefined)).toBe("");
    expect(previewOf({ kind: "room", lastMsgId: "", unread: 0 }, undefined)).toBe("No messages yet");
  });

  it("keeps a blocked user's room message collapsed, as the room does", () => {
    expect(previewOf({ kind: "room" }, msg("7", { text: "all" }), true)).toBe("Message from a blocked user");
    expect(previewOf({ kind: "everyone" }, msg("7", { text: "all" }), true)).toBe("Message from a blocked user");
  });
});
