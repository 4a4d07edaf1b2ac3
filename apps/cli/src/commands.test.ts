import { describe, expect, it } from "vitest";
import { parseCommand } from "./commands.js";

describe("parseCommand", () => {
  it("sends a plain line to the current target, trimmed", () => {
    expect(parseCommand("  hello all ")).toEqual({ kind: "say", text: "hello all" });
  });

  it("ignores blank lines", () => {
    expect(parseCommand("   ")).toEqual({ kind: "none" });
  });

  it("sends userId;;text privately", () => {
    expect(parseCommand("12;;hi there")).toEqual({ kind: "private", to: "12", text: "hi there" });
    expect(parseCommand(" 7;; a;;b ")).toEqual({ kind: "private", to: "7", text: "a;;b" });
  });

  it("takes a name before ;; as a user name to look up, never as a group line", () => {
    expect(parseCommand("alice;;hi")).toEqual({ kind: "privateByName", name: "alice", text: "hi" });
    expect(parseCommand(" Ann.B ;; hi;;there ")).toEqual({ kind: "privateByName", name: "Ann.B", text: "hi;;there" });
    expect(parseCommand("r12;;hi")).toEqual({ kind: "privateByName", name: "r12", text: "hi" });
  });

  it("refuses a private line without recipient or text", () => {
    expect(parseCommand(";;text")).toMatchObject({ kind: "invalid", message: expect.stringContaining("before `;;`") });
    expect(parseCommand("  ;; text")).toMatchObject({ kind: "invalid" });
    expect(parseCommand("12;;  ")).toMatchObject({ kind: "invalid" });
    expect(parseCommand("alice;;")).toMatchObject({ kind: "invalid" });
  });

  it("a line whose ;; follows several words is a plain line (no user name holds a space)", () => {
    expect(parseCommand("I think;; so")).toEqual({ kind: "say", text: "I think;; so" });
  });

  it("sends #roomId text to that room", () => {
    expect(parseCommand("#r12 hello room")).toEqual({ kind: "room", room: "r12", text: "hello room" });
    expect(parseCommand(" #everyone  hi ")).toEqual({ kind: "room", room: "everyone", text: "hi" });
    expect(parseCommand("#r12")).toMatchObject({ kind: "invalid", message: expect.stringContaining("after #r12") });
    // Not a roomId: an ordinary line.
    expect(parseCommand("#1 priority")).toEqual({ kind: "say", text: "#1 priority" });
    expect(parseCommand("#r12x hi")).toEqual({ kind: "say", text: "#r12x hi" });
  });

  it("parses the room commands", () => {
    expect(parseCommand(":rooms")).toEqual({ kind: "rooms" });
    expect(parseCommand(":public")).toEqual({ kind: "publicRooms", prefix: "" });
    expect(parseCommand(":public lu")).toEqual({ kind: "publicRooms", prefix: "lu" });
    expect(parseCommand(":mkroom lunch crew")).toEqual({ kind: "createRoom", name: "lunch crew", visibility: "public" });
    expect(parseCommand(":mkroom secret Private")).toEqual({ kind: "createRoom", name: "secret", visibility: "private" });
    expect(parseCommand(":mkroom public")).toMatchObject({ kind: "invalid", message: "usage: :mkroom <name> [public|private]" });
    expect(parseCommand(":join r3")).toEqual({ kind: "join", room: "r3" });
    expect(parseCommand(":join #r3")).toEqual({ kind: "join", room: "r3" });
    expect(parseCommand(":join lunch")).toMatchObject({ kind: "invalid", message: expect.stringContaining("usage: :join <roomId>") });
    expect(parseCommand(":leave r3")).toEqual({ kind: "leave", room: "r3" });
    expect(parseCommand(":invite r3 bob")).toEqual({ kind: "invite", room: "r3", user: "bob" });
    expect(parseCommand(":invite r3")).toMatchObject({ kind: "invalid", message: "usage: :invite <roomId> <user>" });
    expect(parseCommand(":invite r3 bob cat")).toMatchObject({ kind: "invalid" });
    expect(parseCommand(":members r3")).toEqual({ kind: "members", room: "r3", prefix: "" });
    expect(parseCommand(":members #r3 bo")).toEqual({ kind: "members", room: "r3", prefix: "bo" });
    expect(parseCommand(":to r3")).toEqual({ kind: "target", room: "r3" });
    expect(parseCommand(":to everyone")).toEqual({ kind: "target", room: "everyone" });
    expect(parseCommand(":to group")).toEqual({ kind: "target", room: "everyone" });
    expect(parseCommand(":to")).toEqual({ kind: "target" });
    expect(parseCommand(":users al")).toEqual({ kind: "users", prefix: "al" });
    expect(parseCommand(":users")).toMatchObject({ kind: "invalid" });
  });

  it("parses the listing and info commands", () => {
    expect(parseCommand(":olu")).toEqual({ kind: "online" });
    expect(parseCommand(":pu  an ")).toEqual({ kind: "prefix", prefix: "an" });
    expect(parseCommand(":pu")).toEqual({ kind: "invalid", message: "usage: :pu <prefix>" });
    expect(parseCommand(":info")).toEqual({ kind: "info" });
    expect(parseCommand(":all")).toEqual({ kind: "help" });
    // What a newcomer tries first.
    for (const line of [":help", ":h", ":?"]) expect(parseCommand(line)).toEqual({ kind: "help" });
    for (const line of [":quit", ":exit"]) expect(parseCommand(line)).toEqual({ kind: "quit" });
  });

  it("parses :delay seconds and text", () => {
    expect(parseCommand(":delay 1 later on")).toEqual({ kind: "delay", seconds: 1, text: "later on" });
    expect(parseCommand(":delay 0.5 soon")).toEqual({ kind: "delay", seconds: 0.5, text: "soon" });
    expect(parseCommand(":delay x later")).toMatchObject({ kind: "invalid" });
    expect(parseCommand(":delay -1 later")).toMatchObject({ kind: "invalid" });
    expect(parseCommand(":delay 5")).toMatchObject({ kind: "invalid" });
  });

  it("tells :q <word> (search) from :q and :q! (quit)", () => {
    expect(parseCommand(":q")).toEqual({ kind: "quit" });
    expect(parseCommand(" :q! ")).toEqual({ kind: "quit" });
    expect(parseCommand(":q Hello World")).toEqual({ kind: "search", word: "Hello World" });
  });

  it("searches with :find and :search too, which without a word say their usage instead of quitting", () => {
    expect(parseCommand(":find lunch plans")).toEqual({ kind: "search", word: "lunch plans" });
    expect(parseCommand(":search lunch")).toEqual({ kind: "search", word: "lunch" });
    expect(parseCommand(":find")).toEqual({ kind: "invalid", message: "usage: :find <word> (or :q <word>, as in the seed)" });
  });

  it("reports an unknown command by name", () => {
    expect(parseCommand(":foo bar")).toEqual({ kind: "unknown", name: ":foo" });
  });
});
