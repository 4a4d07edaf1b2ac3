import { describe, expect, it } from "vitest";
import { newConversation, type UiMessage } from "./conversations.js";
import { placeNotices, renameNotice, storedNotice, withStored } from "./room-notices.js";

function msg(msgId: string, extra: Partial<UiMessage> = {}): UiMessage {
  return { id: msgId || extra.clientMsgId || "", msgId, clientMsgId: "", from: "2", fromName: "bob", to: "", room: "r1", text: msgId, ts: 1, own: false, status: null, ...extra };
}

describe("room notices", () => {
  it("a rename says who renamed the room to what, after the newest message known", () => {
    const room = { ...newConversation("r1", "Plans"), messages: [msg("5"), msg("9")], lastMsgId: "7" };
    expect(renameNotice(room, "ann", "Plans")).toMatchObject({ after: "9", text: "ann renamed the room to Plans" });
    expect(renameNotice({ ...room, lastMsgId: "12" }, "", "Trips")).toMatchObject({ after: "12", text: "The owner renamed the room to Trips" });
  });

  it("each notice follows the last message not newer than it; later messages, older history and sending ones stay around it", () => {
    const messages = [msg("3"), msg("5"), msg("9"), msg("", { clientMsgId: "c1", own: true, status: "sending" })];
    const early = { id: "n1", after: "2", text: "a" };
    const middle = { id: "n2", after: "5", text: "b" };
    const later = { id: "n3", after: "7", text: "c" };
    const last = { id: "n4", after: "9", text: "d" };
    const placed = placeNotices(messages, [early, middle, later, last]);
    expect(placed.get("")).toEqual([early]);
    expect(placed.get("5")).toEqual([middle, later]);
    expect(placed.get("9")).toEqual([last]);
    expect(placed.get("c1")).toBeUndefined();
  });

  it("a rename read with history says who did it (You for this user), is added once, and takes over the line heard live", () => {
    const event = { kind: "renamed" as const, name: "Plans", userId: "7", userName: "ann", after: "5", ts: 1000 };
    expect(storedNotice(event, "7")).toMatchObject({ after: "5", text: "You renamed the room to Plans" });
    const stored = storedNotice(event, "8");
    expect(stored.text).toBe("ann renamed the room to Plans");
    const live = renameNotice({ ...newConversation("r1", "Plans"), messages: [msg("9")] }, "ann", "Plans");
    const other = { id: "notice-other", after: "9", text: "bob renamed the room to Trips" };
    expect(withStored([live, other], [stored])).toEqual([other, stored]);
    expect(withStored([other, stored], [stored])).toEqual([other, stored]);
  });

  it("two live lines that say the same are taken over one by one, each by a stored rename", () => {
    const room = { ...newConversation("r1", "Plans"), messages: [msg("9")] };
    const [first, second] = [renameNotice(room, "ann", "Plans"), renameNotice(room, "ann", "Plans")];
    const event = { kind: "renamed" as const, name: "Plans", userId: "7", userName: "ann", after: "5", ts: 1000 };
    const older = storedNotice(event, "8");
    const newer = storedNotice({ ...event, after: "9", ts: 2000 }, "8");
    expect(withStored([first, second], [older])).toEqual([second, older]);
    expect(withStored([first, second], [older, newer])).toEqual([older, newer]);
  });
});
