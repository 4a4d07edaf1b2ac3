import { describe, expect, it } from "vitest";
import { signedOutWords } from "./account-actions.js";

describe("signedOutWords", () => {
  it("says how many devices were signed out, or that none was, or the old words when route does not say", () => {
    expect(signedOutWords(0)).toBe("No other devices were signed in.");
    expect(signedOutWords(1)).toBe("Signed out 1 device.");
    expect(signedOutWords(3)).toBe("Signed out 3 devices.");
    expect(signedOutWords(undefined)).toBe("Done: any other device signed in as you is now signed out.");
  });
});
