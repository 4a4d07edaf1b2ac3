import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@cim/protocol";
import { PRIVATE_IDS_KEPT, StreamCursors } from "./cursors.js";

const ME = "7";
const group = (msgId: string, from = "9"): ChatMessage => ({ msgId, from, fromName: "x", to: "", text: msgId, ts: 1, room: "" });
const room = (roomId: string, msgId: string, from = "9"): ChatMessage => ({ ...group(msgId, from), room: roomId });
const privateMsg = (msgId: string, from: string, to: string): ChatMessage => ({ ...group(msgId, from), to });

describe("StreamCursors", () => {
  it("keeps one cursor per stream: the group, the inbox and each room", () => {
    const cursors = new StreamCursors();
    expect(cursors.accept(group("100"), ME)).toEqual({ kind: "new" });
    expect(cursors.accept(room("r1", "50"), ME)).toEqual({ kind: "new" });
    expect(cursors.accept(room("r2", "10"), ME)).toEqual({ kind: "new" });
    expect(cursors.accept(privateMsg("70", "9", ME), ME)).toEqual({ kind: "new" });
    expect(cursors.value).toEqual({ group: "100", inbox: "70", rooms: { r1: "50", r2: "10" } });
    expect(cursors.forLogin()).toEqual({ groupAfter: "100", inboxAfter: "70", rooms: [{ room: "r1", after: "50" }, { room: "r2", after: "10" }] });
  });

  it("drops a group or room message not newer than the last of its stream, naming the stream", () => {
    const cursors = new StreamCursors();
    cursors.accept(room("r1", "50"), ME);
    expect(cursors.accept(room("r1", "50"), ME)).toEqual({ kind: "duplicate", stream: "room r1", last: "50" });
    expect(cursors.accept(room("r1", "49"), ME)).toMatchObject({ kind: "duplicate" });
    // Ids of different rooms do not compare: an older id in another room is new there.
    expect(cursors.accept(room("r2", "3"), ME)).toEqual({ kind: "new" });
    expect(cursors.accept(group("5"), ME)).toEqual({ kind: "new" });
    expect(cursors.accept(group("5"), ME)).toEqual({ kind: "duplicate", stream: "group", last: "5" });
  });

  it("treats room `everyone` as the group", () => {
    const cursors = new StreamCursors();
    cursors.accept(room("everyone", "20"), ME);
    expect(cursors.value).toEqual({ group: "20", inbox: "", rooms: {} });
    expect(cursors.accept(group("20"), ME)).toMatchObject({ kind: "duplicate", stream: "group" });
  });

  it("private chats: ids of different peers do not compare, a repeat is one seen before, the cursor is the last delivered", () => {
    const cursors = new StreamCursors();
    expect(cursors.accept(privateMsg("2000", "9", ME), ME)).toEqual({ kind: "new" });
    // Another chat's id may be lower (its own clock), and two sends racing in one chat may be noted out of order.
    expect(cursors.accept(privateMsg("1500", "8", ME), ME)).toEqual({ kind: "new" });
    expect(cursors.accept(privateMsg("1999", ME, "9"), ME)).toEqual({ kind: "new" });
    expect(cursors.value.inbox).toBe("1999");
    expect(cursors.accept(privateMsg("2000", "9", ME), ME)).toEqual({ kind: "duplicate", stream: "inbox", last: "1999" });
    expect(cursors.accept(privateMsg("1500", "8", ME), ME)).toMatchObject({ kind: "duplicate" });
  });

  it("remembers a bounded number of private ids, and what fell out per chat is still a repeat", () => {
    const cursors = new StreamCursors();
    for (let i = 1; i <= PRIVATE_IDS_KEPT + 10; i++) cursors.accept(privateMsg(String(1000 + i), "9", ME), ME);
    expect(cursors.accept(privateMsg("1001", "9", ME), ME)).toMatchObject({ kind: "duplicate" });
    expect(cursors.accept(privateMsg("1005", "9", ME), ME)).toMatchObject({ kind: "duplicate" });
    expect(cursors.accept(privateMsg("1005", "8", ME), ME)).toEqual({ kind: "new" });
  });

  it("an own send coming back is an echo, not a duplicate, and moves the cursor", () => {
    const cursors = new StreamCursors();
    cursors.sent("r1", "60");
    cursors.sent("9", "61");
    cursors.sent("everyone", "62");
    expect(cursors.accept(room("r1", "60", ME), ME)).toEqual({ kind: "echo" });
    expect(cursors.accept(room("r1", "60", ME), ME)).toEqual({ kind: "echo" });
    expect(cursors.accept(privateMsg("61", ME, "9"), ME)).toEqual({ kind: "echo" });
    expect(cursors.accept(group("62", ME), ME)).toEqual({ kind: "echo" });
    expect(cursors.value).toEqual({ group: "62", inbox: "61", rooms: { r1: "60" } });
    // The same msgId from another device of the user, in a conversation this client did not send it to, is shown.
    expect(cursors.accept(room("r2", "60", ME), ME)).toEqual({ kind: "new" });
    // Someone else's message with the id of an own send (ids repeat across conversations) is not an echo.
    expect(cursors.accept(privateMsg("62", "8", ME), ME)).toEqual({ kind: "new" });
  });

  it("adopts LoginAck's positions only for streams without a cursor", () => {
    const cursors = new StreamCursors();
    cursors.value = { group: "", inbox: "40", rooms: { r1: "10" } };
    cursors.adopt({ groupPosition: "100", inboxPosition: "90", rooms: [{ room: "r1", after: "30" }, { room: "r2", after: "20" }, { room: "r3", after: "" }] });
    expect(cursors.value).toEqual({ group: "100", inbox: "40", rooms: { r1: "10", r2: "20" } });
    expect(cursors.accept(room("r2", "20"), ME)).toMatchObject({ kind: "duplicate" });
  });

  it("accepts cursors without rooms (an older app's stored cursors) and forgets a room left", () => {
    const cursors = new StreamCursors();
    cursors.value = { group: "5", inbox: "6" };
    expect(cursors.value).toEqual({ group: "5", inbox: "6", rooms: {} });
    cursors.accept(room("r1", "7"), ME);
    cursors.forgetRoom("r1");
    expect(cursors.forLogin().rooms).toEqual([]);
  });
});
