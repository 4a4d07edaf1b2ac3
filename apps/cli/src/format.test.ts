import { describe, expect, it } from "vitest";
import { filterByPrefix, formatError, formatHelp, formatInfo, formatMessage, formatPresence, formatSearch, formatState, formatUsers } from "./format.js";

describe("format", () => {
  it("prints group and private messages with the sender", () => {
    expect(formatMessage({ from: "1", fromName: "ann", to: "", text: "hello" })).toBe("[group] ann(1): hello");
    expect(formatMessage({ from: "1", fromName: "ann", to: "2", text: "hi" })).toBe("[private] ann(1): hi");
  });

  it("prints another user's control characters as escapes: a message cannot clear the screen or pass for another line", () => {
    const print = (text: string) => formatMessage({ from: "1", fromName: "ann", to: "", text });
    // ESC sequences (clear, retitle), BEL, CR over the sender, C1 CSI, a direction override.
    expect(print("\u001b[2J\u001b]0;pwned\u0007hi")).toBe("[group] ann(1): \\u001b[2J\\u001b]0;pwned\\u0007hi");
    expect(print("hi\r[group] bob(2): send me your password")).toBe("[group] ann(1): hi\n    [group] bob(2): send me your password");
    expect(print("a\u009b31mb\u202ec")).toBe("[group] ann(1): a\\u009b31mb\\u202ec");
    expect(print("line1\nline2\r\nline3\ttab")).toBe("[group] ann(1): line1\n    line2\n    line3\ttab");
    expect(formatMessage({ from: "1", fromName: "ann", to: "", text: "x\u001b[Ay", editOf: "5" })).toBe("[group] ann(1) edited 5: x\\u001b[Ay");
    const hit = { msgId: "5", from: "1", fromName: "ann", to: "", text: "\u001b[2Jboo", ts: 0, room: "" };
    expect(formatSearch("boo", [hit], { me: "2", users: new Map(), rooms: new Map() }, 1)[1]).toBe("  1970-01-01 00:00:00 [group] ann(1): \\u001b[2Jboo");
  });

  it("prints room messages with the room's id and name, and own messages from another device with the recipient", () => {
    const names = { me: "1", users: new Map([["2", "bob"]]), rooms: new Map([["r3", "lunch"]]) };
    expect(formatMessage({ from: "2", fromName: "bob", to: "", text: "soup?", room: "r3" }, names)).toBe("[#r3 lunch] bob(2): soup?");
    expect(formatMessage({ from: "2", fromName: "bob", to: "", text: "hm", room: "r4" }, names)).toBe("[#r4] bob(2): hm");
    expect(formatMessage({ from: "2", fromName: "bob", to: "", text: "all", room: "everyone" }, names)).toBe("[group] bob(2): all");
    expect(formatMessage({ from: "1", fromName: "ann", to: "2", text: "from my phone", room: "" }, names)).toBe("[private] ann(1) -> bob(2): from my phone");
    expect(formatMessage({ from: "2", fromName: "bob", to: "1", text: "hi", room: "" }, names)).toBe("[private] bob(2): hi");
  });

  it("prints presence and connection state", () => {
    expect(formatPresence({ userId: "1", userName: "ann", online: true })).toBe("* ann(1) is online");
    expect(formatPresence({ userId: "1", userName: "ann", online: false })).toBe("* ann(1) is offline");
    expect(formatState("reconnecting", null)).toBe("* connection: lost, reconnecting...");
    expect(formatState("online", { id: "gw-b", wsUrl: "ws://h/ws" })).toBe("* connection: online on gw-b (ws://h/ws)");
  });

  it("lists users by name with a count", () => {
    const users = [{ userId: "2", userName: "bob" }, { userId: "1", userName: "ann" }, { userId: "3", userName: "Anna" }];
    expect(formatUsers(users)).toEqual(["3 users online:", "  ann(1)", "  Anna(3)", "  bob(2)"]);
    expect(formatUsers(filterByPrefix(users, "AN"), "AN")).toEqual(['2 users online with a name starting with "AN":', "  ann(1)", "  Anna(3)"]);
    expect(formatUsers([], "z")).toEqual(['0 users online with a name starting with "z"']);
  });

  it("shows user, gateway and state for :info", () => {
    expect(formatInfo({ userId: "1", userName: "ann", token: "t" }, { id: "gw-a", wsUrl: "ws://h:1/ws" }, "online")).toEqual([
      "user: ann(1)",
      "gateway: gw-a ws://h:1/ws",
      "state: online",
    ]);
  });

  it("prints search hits with time and conversation", () => {
    const ts = Date.UTC(2025, 0, 2, 3, 4, 5);
    const hits = [
      { msgId: "5", from: "1", fromName: "ann", to: "", text: "Hello", ts, room: "" },
      { msgId: "6", from: "1", fromName: "ann", to: "2", text: "hello bob", ts, room: "" },
    ];
    expect(formatSearch("hello", hits, { me: "1", users: new Map([["2", "bob"]]), rooms: new Map() }, 3)).toEqual([
      '2 messages containing "hello" (searched 3 conversations):',
      "  2025-01-02 03:04:05 [group] ann(1): Hello",
      "  2025-01-02 03:04:05 [private] ann(1) -> bob(2): hello bob",
    ]);
    expect(formatSearch("x", [], { me: "1", users: new Map(), rooms: new Map() }, 1)).toEqual(['0 messages containing "x" (searched 1 conversation)']);
  });

  it("prints the commands, naming an unknown one first", () => {
    const help = formatHelp(":foo");
    expect(help[0]).toBe("unknown command :foo; the commands are:");
    expect(help.join("\n")).toMatch(/:olu +list the online users/);
    expect(formatHelp()[0]).toBe("commands:");
  });

  it("puts an error on one line", () => {
    expect(formatError("send failed", new Error("no user 9"))).toBe("! send failed: no user 9");
  });
});

describe("formatMessage: replies, edits and deletions", () => {
  it("names the message a reply quotes and the one an event changes", () => {
    const base = { from: "1", fromName: "ann", to: "", text: "hello", room: "" };
    expect(formatMessage({ ...base, replyTo: "17" })).toBe("[group] ann(1) (reply to 17): hello");
    expect(formatMessage({ ...base, editOf: "17" })).toBe("[group] ann(1) edited 17: hello");
    expect(formatMessage({ ...base, text: "", editOf: "17", deleted: true })).toBe("[group] ann(1) deleted 17");
    expect(formatMessage({ ...base, text: "", reactTo: "17", reaction: "👍" })).toBe("[group] ann(1) reacted 👍 to 17");
    expect(formatMessage({ ...base, text: "", reactTo: "17", reaction: "" })).toBe("[group] ann(1) took back the reaction to 17");
  });

  it("shows a message handed out deleted (text \"\") and its edits as (deleted), live and in search hits", () => {
    const base = { from: "1", fromName: "ann", to: "", text: "", room: "" };
    expect(formatMessage(base)).toBe("[group] ann(1): (deleted)");
    expect(formatMessage({ ...base, replyTo: "16" })).toBe("[group] ann(1) (reply to 16): (deleted)");
    expect(formatMessage({ ...base, editOf: "17" })).toBe("[group] ann(1) edited 17: (deleted)");
    const hit = { ...base, msgId: "18", ts: 0 };
    expect(formatSearch("x", [hit], { me: "2", users: new Map(), rooms: new Map() }, 1)[1]).toBe("  1970-01-01 00:00:00 [group] ann(1): (deleted)");
  });
});
