// `--help` and an unknown flag stop the process as the scripts' flags do: script-flags.integration (npm run bench).
import { describe, expect, it } from "vitest";
import { parseFlags } from "./options.js";

describe("bench flags", () => {
  it("reads a flag given and the defaults of the others", () => {
    const { values, num } = parseFlags(["--rate", "250"]);
    expect(num("rate")).toBe(250);
    expect(values.sessions).toBe("20000");
  });

  it("names a flag whose number is not positive", () => {
    expect(() => parseFlags(["--rate", "0"]).num("rate")).toThrow("--rate must be a positive number, got 0");
  });
});
