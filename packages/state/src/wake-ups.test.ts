import { describe, expect, it } from "vitest";
import { fill, inboxWakeTemplate, roomWakeTemplate } from "./wake-ups.js";

describe("wake-up templates", () => {
  it("give, once filled, the JSON of the wake-up; text that looks like a hole stays text", () => {
    const text = 'looks like "\u0000prev" and \u0000msgId, "quoted", \\ and ✓';
    const room = roomWakeTemplate("r1", { from: "1", fromName: "one", to: "", room: "r1", text }, "dev-1");
    expect(room.split("\0")).toHaveLength(4);
    expect(JSON.parse(fill(room, ["100", "101", "7"]))).toEqual({
      type: "roomMessage", room: "r1", prev: "100", dev: "dev-1",
      message: { msgId: "101", ts: 7, room: "r1", from: "1", fromName: "one", to: "", text },
    });
    const message = { msgId: "9", from: "1", fromName: "one", to: "2", room: "", text, ts: 0 };
    const inbox = inboxWakeTemplate("2", message, "");
    expect(JSON.parse(fill(inbox, ["", "12"]))).toEqual({ type: "inbox", userId: "2", prev: "", entry: "12", message, dev: "" });
  });
});
