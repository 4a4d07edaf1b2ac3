import { describe, expect, it } from "vitest";
import { newConversation, type UiMessage } from "./conversations.js";
import { isolate as i } from "./bidi.js";
import { FIRST_DAY, membershipNotice, membershipText, placeNotices, renameNotice, storedNotice, withStored } from "./room-notices.js";

function msg(msgId: string, extra: Partial<UiMessage> = {}): UiMessage {
  return { id: msgId || extra.clientMsgId || "", msgId, clientMsgId: "", from: "2", fromName: "bob", to: "", room: "r1", text: msgId, ts: 1, own: false, status: null, ...extra };
}

describe("room notices", () => {
  it("a rename says who renamed the room to what, after the newest message known", () => {
    const room = { ...newConversation("r1", "Plans"), messages: [msg("5"), msg("9")], lastMsgId: "7" };
    expect(renameNotice(room, "ann", "Plans")).toMatchObject({ after: "9", text: `${i("ann")} renamed the room to ${i("Plans")}` });
    expect(renameNotice({ ...room, lastMsgId: "12" }, "", "Trips")).toMatchObject({ after: "12", text: `The owner renamed the room to ${i("Trips")}` });
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

  it("a line above every message goes under the first one's day separator when it happened that day, else on top", () => {
    const day = new Date(2026, 10, 29, 9).getTime();
    const messages = [msg("3", { ts: day + 3_600_000 })];
    const added = { id: "n1", after: "", text: "ann added you to the room", ts: day };
    const dayBefore = { id: "n2", after: "", text: "ann renamed the room to Plans", ts: day - 86_400_000 };
    const unknown = { id: "n3", after: "", text: "bob joined the room" };
    const placed = placeNotices(messages, [added, dayBefore, unknown]);
    expect(placed.get(FIRST_DAY)).toEqual([added]);
    expect(placed.get("")).toEqual([dayBefore, unknown]);
  });

  it("a rename read with history says who did it (You for this user), is added once, and takes over the line heard live", () => {
    const event = { kind: "renamed" as const, name: "Plans", userId: "7", userName: "ann", after: "5", ts: 1000 };
    expect(storedNotice(event, "7")).toMatchObject({ after: "5", text: `You renamed the room to ${i("Plans")}` });
    const stored = storedNotice(event, "8")!;
    expect(stored.text).toBe(`${i("ann")} renamed the room to ${i("Plans")}`);
    const live = renameNotice({ ...newConversation("r1", "Plans"), messages: [msg("9")] }, "ann", "Plans");
    const other = { id: "notice-other", after: "9", text: "bob renamed the room to Trips" };
    expect(withStored([live, other], [stored])).toEqual([other, stored]);
    expect(withStored([other, stored], [stored])).toEqual([other, stored]);
  });

  it("two live lines that say the same are taken over one by one, each by a stored rename", () => {
    const room = { ...newConversation("r1", "Plans"), messages: [msg("9")] };
    const [first, second] = [renameNotice(room, "ann", "Plans"), renameNotice(room, "ann", "Plans")];
    const event = { kind: "renamed" as const, name: "Plans", userId: "7", userName: "ann", after: "5", ts: 1000 };
    const older = storedNotice(event, "8")!;
    const newer = storedNotice({ ...event, after: "9", ts: 2000 }, "8")!;
    expect(withStored([first, second], [older])).toEqual([second, older]);
    expect(withStored([first, second], [older, newer])).toEqual([older, newer]);
  });

  it("a member's coming and going says who and, for an addition or a removal, by whom (You and you for this user)", () => {
    const bob = { userId: "2", userName: "bob" };
    expect(membershipText({ kind: "joined", ...bob }, "7")).toBe(`${i("bob")} joined the room`);
    expect(membershipText({ kind: "joined", ...bob }, "2")).toBe("You joined the room");
    expect(membershipText({ kind: "left", ...bob }, "7")).toBe(`${i("bob")} left the room`);
    expect(membershipText({ kind: "left", ...bob, by: "", byName: "" }, "7")).toBe(`${i("bob")} left the room`);
    expect(membershipText({ kind: "left", ...bob, by: "1", byName: "ann" }, "7")).toBe(`${i("ann")} removed ${i("bob")} from the room`);
    expect(membershipText({ kind: "left", ...bob, by: "1", byName: "ann" }, "1")).toBe(`You removed ${i("bob")} from the room`);
    expect(membershipText({ kind: "invited", ...bob, by: "1", byName: "ann" }, "7")).toBe(`${i("ann")} added ${i("bob")} to the room`);
    expect(membershipText({ kind: "invited", ...bob, by: "1", byName: "ann" }, "2")).toBe(`${i("ann")} added you to the room`);
    expect(membershipText({ kind: "invited", ...bob, by: "7", byName: "cy" }, "7")).toBe(`You added ${i("bob")} to the room`);
    expect(membershipText({ kind: "invited", ...bob }, "7")).toBe(`${i("bob")} was added to the room`);
  });

  it("a membership change read with history takes over its line heard live; a kind this app does not know shows nothing", () => {
    const room = { ...newConversation("r1", "Plans"), messages: [msg("9")] };
    const live = membershipNotice(room, { kind: "invited", userId: "2", userName: "bob", by: "1", byName: "ann" }, "7");
    expect(live).toMatchObject({ after: "9", text: `${i("ann")} added ${i("bob")} to the room` });
    const event = { kind: "invited" as const, name: "", userId: "2", userName: "bob", by: "1", byName: "ann", after: "9", ts: 1000 };
    const stored = storedNotice(event, "7")!;
    expect(stored).toMatchObject({ after: "9", text: `${i("ann")} added ${i("bob")} to the room` });
    // Two events of one millisecond and place are two lines.
    expect(storedNotice({ ...event, kind: "joined", userId: "3", userName: "cy" }, "7")!.id).not.toBe(stored.id);
    expect(withStored([live], [stored])).toEqual([stored]);
    expect(storedNotice({ ...event, kind: "archived" as never }, "7")).toBeNull();
  });
});
