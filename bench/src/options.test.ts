import { describe, expect, it } from "vitest";
import { parseFlags, usage } from "./options.js";

describe("bench flags", () => {
  it("lists every flag with its default for --help", () => {
    expect(parseFlags(["--help"]).values.help).toBe(true);
    expect(usage()).toContain("--sessions (default 20000)");
    expect(usage()).toContain("--profile\n");
    expect(usage()).not.toContain("--help");
  });

  it("names an unknown flag and where the list is", () => {
    expect(() => parseFlags(["--sesions", "5"])).toThrow(/Unknown option '--sesions'.*--help lists the flags/);
  });

  it("names a flag whose number is not positive", () => {
    expect(() => parseFlags(["--rate", "0"]).num("rate")).toThrow("--rate must be a positive number, got 0");
  });
});
