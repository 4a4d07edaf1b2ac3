import { describe, expect, it } from "vitest";
import { formatFoundUsers, formatMembers, formatPublicRooms, formatRoomEvent, formatRooms, formatTarget } from "./room-format.js";

const names = { me: "1", users: new Map([["2", "bob"]]), rooms: new Map([["r3", "lunch"]]) };

describe("room lines", () => {
  it("lists the user's rooms by name with visibility and unread count", () => {
    expect(formatRooms([
      { roomId: "r3", name: "lunch", visibility: "private", unread: 2, lastMsgId: "9" },
      { roomId: "everyone", name: "Everyone", visibility: "public", unread: 1000, lastMsgId: "8" },
      { roomId: "r5", name: "tea", visibility: "public", unread: 0, lastMsgId: "" },
    ])).toEqual(["you are in 3 rooms:", "  #everyone Everyone (public, 1000+ unread)", "  #r3 lunch (private, 2 unread)", "  #r5 tea (public)"]);
    expect(formatRooms([])).toEqual(["you are in 0 rooms"]);
  });

  it("lists the directory, members and users found", () => {
    expect(formatPublicRooms([{ roomId: "r3", name: "lunch", members: 1 }], "lu")).toEqual(['1 public room with a name starting with "lu":', "  #r3 lunch (1 member)"]);
    expect(formatPublicRooms([], "")).toEqual(["0 public rooms"]);
    const members = [{ userId: "2", userName: "bob", online: false }, { userId: "1", userName: "ann", online: true }];
    expect(formatMembers("r3", { members, count: 2 }, names)).toEqual(["2 members of #r3 lunch:", "  ann(1) (online)", "  bob(2)"]);
    // A page of a big room says how many there are and how to find the others.
    expect(formatMembers("r3", { members, count: 5_000 }, names)[0]).toBe("5000 members of #r3 lunch, the first 2 by name (:members r3 <start of a name> finds others):");
    expect(formatMembers("r3", { members: members.slice(0, 1), count: 1 }, names, "bo")).toEqual(['1 member of #r3 lunch with a name starting with "bo":', "  bob(2)"]);
    expect(formatFoundUsers([{ userId: "4", userName: "alice", online: false }], "al")).toEqual(['1 user with a name starting with "al":', "  alice(4)"]);
  });

  it("prints membership changes, naming this user `you`", () => {
    const event = { room: "r3", name: "lunch", userId: "2", userName: "bob", kind: "joined" };
    expect(formatRoomEvent(event, names)).toBe("* bob(2) joined #r3 lunch");
    expect(formatRoomEvent({ ...event, kind: "left" }, names)).toBe("* bob(2) left #r3 lunch");
    expect(formatRoomEvent({ ...event, kind: "invited" }, names)).toBe("* bob(2) was added to #r3 lunch");
    expect(formatRoomEvent({ ...event, userId: "1", userName: "ann", kind: "invited", room: "r7", name: "" }, names)).toBe("* you were added to #r7");
    // Who added them, when the gateway says (an older one does not).
    expect(formatRoomEvent({ ...event, userId: "1", userName: "ann", kind: "invited", by: "2", byName: "bob" }, names)).toBe("* you were added to #r3 lunch by bob(2)");
    expect(formatRoomEvent({ ...event, kind: "invited", by: "1", byName: "ann" }, names)).toBe("* bob(2) was added to #r3 lunch by you");
    // Removed by the owner: who did it, when route names it.
    expect(formatRoomEvent({ ...event, kind: "left", by: "1", byName: "ann" }, names)).toBe("* bob(2) was removed from #r3 lunch by you");
    expect(formatRoomEvent({ ...event, userId: "1", userName: "ann", kind: "left", by: "2", byName: "bob" }, names)).toBe("* you were removed from #r3 lunch by bob(2)");
    expect(formatRoomEvent({ ...event, kind: "left", by: "1", byName: "" }, names)).toBe("* bob(2) left #r3 lunch");
  });

  it("says where plain lines go", () => {
    expect(formatTarget("everyone", names)).toBe("* plain lines go to the group");
    expect(formatTarget("r3", names)).toBe("* plain lines go to #r3 lunch");
  });
});
