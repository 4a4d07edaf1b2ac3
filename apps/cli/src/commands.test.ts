import { describe, expect, it } from "vitest";
import { parseCommand } from "./commands.js";

describe("parseCommand", () => {
  it("sends a plain line to the group, trimmed", () => {
    expect(parseCommand("  hello all ")).toEqual({ kind: "group", text: "hello all" });
  });

  it("ignores blank lines", () => {
    expect(parseCommand("   ")).toEqual({ kind: "none" });
  });

  it("sends userId;;text privately", () => {
    expect(parseCommand("12;;hi there")).toEqual({ kind: "private", to: "12", text: "hi there" });
    expect(parseCommand(" 7;; a;;b ")).toEqual({ kind: "private", to: "7", text: "a;;b" });
  });

  it("keeps ;; in a group line when the left side is not a user id", () => {
    expect(parseCommand("ann;;hi")).toEqual({ kind: "group", text: "ann;;hi" });
  });

  it("refuses a private line without text", () => {
    expect(parseCommand("12;;  ")).toMatchObject({ kind: "invalid" });
  });

  it("parses the listing and info commands", () => {
    expect(parseCommand(":olu")).toEqual({ kind: "online" });
    expect(parseCommand(":pu  an ")).toEqual({ kind: "prefix", prefix: "an" });
    expect(parseCommand(":pu")).toEqual({ kind: "invalid", message: "usage: :pu <prefix>" });
    expect(parseCommand(":info")).toEqual({ kind: "info" });
    expect(parseCommand(":all")).toEqual({ kind: "help" });
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

  it("reports an unknown command by name", () => {
    expect(parseCommand(":foo bar")).toEqual({ kind: "unknown", name: ":foo" });
  });
});
