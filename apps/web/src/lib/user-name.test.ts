import { describe, expect, it } from "vitest";
import { userNameProblem } from "./user-name.js";

describe("userNameProblem", () => {
  it("takes what route takes: letters of any script, digits, _ . -", () => {
    for (const name of ["ann", "Ann_Smith", "ann.smith-2", "josé", "Анна", "李雷", " padded "]) expect(userNameProblem(name), name).toBe("");
  });

  it("says what to change, with a name to try for spaces", () => {
    expect(userNameProblem("Ann Smith")).toBe("A user name cannot contain spaces: try “Ann.Smith”.");
    expect(userNameProblem("Ann  Smith!")).toBe("A user name cannot contain spaces.");
    expect(userNameProblem("ann@example.com")).toMatch(/not an e-mail address/);
    expect(userNameProblem("ann!?")).toBe("A user name may hold letters, digits and _ . - only, not “!” “?”.");
    expect(userNameProblem("   ")).toBe("Choose a user name.");
    expect(userNameProblem("x".repeat(33))).toBe("A user name is at most 32 characters; this one has 33.");
    // A Hangul filler is a letter that shows as blank: route refuses it, as a name that reads as another.
    expect(userNameProblem("ann\u3164")).toBe("A user name may hold letters, digits and _ . - only, not “\u3164”.");
  });
});
