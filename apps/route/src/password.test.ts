import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "./password.js";

function legacyScrypt(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16_384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

describe("password", () => {
  it("hashes with Argon2id at OWASP's parameters (19 MiB, t=2, p=1)", async () => {
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(stored)).toBe(false);
  });

  it("verifies the right password and refuses others", async () => {
    const stored = await hashPassword("s3cret!-long");
    expect(stored).not.toContain("s3cret!-long");
    await expect(verifyPassword("s3cret!-long", stored)).resolves.toBe(true);
    await expect(verifyPassword("s3cret!-lon", stored)).resolves.toBe(false);
    await expect(verifyPassword("s3cret!-long", "garbage")).resolves.toBe(false);
    await expect(verifyPassword("s3cret!-long", "$argon2id$garbage")).resolves.toBe(false);
  });

  it("still verifies the seed's scrypt hashes, and marks them for re-hashing", async () => {
    const old = legacyScrypt("old-password-1");
    await expect(verifyPassword("old-password-1", old)).resolves.toBe(true);
    await expect(verifyPassword("old-password-2", old)).resolves.toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it("salts: the same password hashes differently", async () => {
    expect(await hashPassword("same-password")).not.toBe(await hashPassword("same-password"));
  });
});
