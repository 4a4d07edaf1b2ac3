import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.js";

describe("password", () => {
  it("verifies the right password and refuses others", async () => {
    const stored = await hashPassword("s3cret!");
    expect(stored).not.toContain("s3cret!");
    await expect(verifyPassword("s3cret!", stored)).resolves.toBe(true);
    await expect(verifyPassword("s3cret", stored)).resolves.toBe(false);
    await expect(verifyPassword("s3cret!", "garbage")).resolves.toBe(false);
  });

  it("salts: the same password hashes differently", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });
});
