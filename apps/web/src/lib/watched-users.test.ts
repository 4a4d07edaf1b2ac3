import { describe, expect, it } from "vitest";
import { watchedUsers } from "./watched-users.js";

describe("watchedUsers", () => {
  it("lists the open chat's peer, the members shown, the chats and the panel, once each, without oneself", () => {
    expect(watchedUsers({ me: "1", activePeer: "5", members: ["1", "2", "5"], chatPeers: ["", "3", "2"], panel: ["1", "4", "3"] })).toEqual(["5", "2", "3", "4"]);
  });

  it("keeps the first 500 when the screen names more", () => {
    const panel = Array.from({ length: 700 }, (_, i) => String(i + 10));
    const ids = watchedUsers({ me: "1", activePeer: "2", members: [], chatPeers: [], panel });
    expect(ids).toHaveLength(500);
    expect(ids[0]).toBe("2");
  });
});
