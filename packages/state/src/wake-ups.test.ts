import { describe, expect, it } from "vitest";
import { fill, HOLE_SEPARATOR, inboxWakeTemplate, PRIVATE_WAKE_HEAD, privateWakeParts, privateWakeTail, roomWakeTemplate } from "./wake-ups.js";

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

  it("give a private message's wake-up as six parts that, filled, are the JSON of its inbox wake-up", () => {
    const text = 'looks like "\u0000entry", \\ and ✓';
    const parts = privateWakeParts({ from: "1", fromName: "one", to: "2", room: "", text, replyTo: "5" }, "dev-1");
    expect(parts).toHaveLength(6);
    expect(JSON.parse(fill(parts.join(HOLE_SEPARATOR), ["2", "40", "41", "41", "7"]))).toEqual({
      type: "inbox", userId: "2", prev: "40", entry: "41", dev: "dev-1",
      message: { msgId: "41", ts: 7, from: "1", fromName: "one", to: "2", room: "", text, replyTo: "5" },
    });
  });

  it("give every private message the same first five parts, so the batch script takes them once and each message's tail", () => {
    const messages = [
      { from: "1", fromName: "one", to: "2", room: "", text: "hi" },
      { from: "123456", fromName: 'quote " and \u0000ts', to: "7", room: "", text: "✓ \u0000entry", editOf: "99", deleted: true },
      { from: "3", fromName: "", to: "4", room: "", text: "", reactTo: "5", reaction: "👍" },
    ];
    for (const message of messages) {
      const parts = privateWakeParts(message, "dev-9");
      expect(parts.slice(0, 5)).toEqual(PRIVATE_WAKE_HEAD);
      expect(privateWakeTail(message, "dev-9")).toBe(parts[5]);
    }
  });
});
