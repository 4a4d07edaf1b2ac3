import { describe, expect, it } from "vitest";
import { adminTokenFrom, DEV_TOKEN_SECRET, previousTokenSecretsFrom, sameSecret, tokenSecretFrom } from "./secrets.js";

const GOOD_SECRET = "a-secret-of-more-than-thirty-two-bytes-1234";

describe("secrets from the environment", () => {
  it("refuses to run without a token secret, naming the variable", () => {
    expect(() => tokenSecretFrom({})).toThrow(/CIM_TOKEN_SECRET is required/);
    expect(() => tokenSecretFrom({ CIM_TOKEN_SECRET: "short-secret-0123456789" })).toThrow(/CIM_TOKEN_SECRET must be at least 32 bytes/);
  });

  it("refuses the published development secret outside development mode", () => {
    expect(() => tokenSecretFrom({ CIM_TOKEN_SECRET: DEV_TOKEN_SECRET })).toThrow(/published development secret/);
  });

  it("uses the development secret only when CIM_DEV_MODE is set", () => {
    expect(tokenSecretFrom({ CIM_DEV_MODE: "1" })).toBe(DEV_TOKEN_SECRET);
    expect(tokenSecretFrom({ CIM_DEV_MODE: "1", CIM_TOKEN_SECRET: GOOD_SECRET })).toBe(GOOD_SECRET);
    expect(() => tokenSecretFrom({ CIM_DEV_MODE: "0" })).toThrow(/CIM_TOKEN_SECRET/);
  });

  it("requires an admin token, or admin disabled explicitly", () => {
    expect(() => adminTokenFrom({})).toThrow(/CIM_ADMIN_TOKEN is required/);
    expect(() => adminTokenFrom({ CIM_ADMIN_TOKEN: "admin" })).toThrow(/CIM_ADMIN_TOKEN must be at least 24/);
    expect(adminTokenFrom({ CIM_ADMIN_TOKEN: "disabled" })).toBeUndefined();
    expect(adminTokenFrom({ CIM_DEV_MODE: "true" })).toBeUndefined();
    expect(adminTokenFrom({ CIM_ADMIN_TOKEN: "x".repeat(24) })).toBe("x".repeat(24));
  });
});

describe("sameSecret", () => {
  it("is true only for the same secret, whatever the lengths", () => {
    expect(sameSecret("metrics-token-0123456789", "metrics-token-0123456789")).toBe(true);
    expect(sameSecret("metrics-token-0123456788", "metrics-token-0123456789")).toBe(false);
    expect(sameSecret("short", "metrics-token-0123456789")).toBe(false);
  });
});

describe("previousTokenSecretsFrom", () => {
  it("reads the verify-only secrets of a rotation, and refuses what would weaken it", () => {
    const OLD = "the-old-secret-of-more-than-thirty-two-bytes";
    expect(previousTokenSecretsFrom({ CIM_TOKEN_SECRET: GOOD_SECRET })).toEqual([]);
    expect(previousTokenSecretsFrom({ CIM_TOKEN_SECRET: GOOD_SECRET, CIM_TOKEN_SECRET_PREVIOUS: `${OLD}, ${OLD}2` })).toEqual([OLD, `${OLD}2`]);
    expect(() => previousTokenSecretsFrom({ CIM_TOKEN_SECRET_PREVIOUS: "short" })).toThrow("CIM_TOKEN_SECRET_PREVIOUS: each secret must be at least 32 bytes");
    expect(() => previousTokenSecretsFrom({ CIM_TOKEN_SECRET_PREVIOUS: DEV_TOKEN_SECRET })).toThrow("published development secret");
    expect(() => previousTokenSecretsFrom({ CIM_TOKEN_SECRET: GOOD_SECRET, CIM_TOKEN_SECRET_PREVIOUS: GOOD_SECRET })).toThrow("holds CIM_TOKEN_SECRET itself");
  });
});
