import { describe, expect, it } from "vitest";
import { tokenLifetimes, UsageError } from "./admin-flags.js";

describe("cim-admin token lifetimes", () => {
  it("takes --ttl, else CIM_TOKEN_TTL_SECONDS, else a day; the login's end is at least the token's", () => {
    expect(tokenLifetimes("600", {})).toEqual({ ttlSeconds: 600, sessionLifetimeSeconds: 30 * 86_400 });
    expect(tokenLifetimes(undefined, { CIM_TOKEN_TTL_SECONDS: "120" }).ttlSeconds).toBe(120);
    expect(tokenLifetimes(undefined, {}).ttlSeconds).toBe(86_400);
    expect(tokenLifetimes("30", { CIM_SESSION_MAX_SECONDS: "60" })).toEqual({ ttlSeconds: 30, sessionLifetimeSeconds: 60 });
    expect(tokenLifetimes("7200", { CIM_SESSION_MAX_SECONDS: "3600" }).sessionLifetimeSeconds).toBe(7200);
  });

  it("refuses a lifetime below route's 30 s (a token that expires before a client can use it), naming the flag", () => {
    expect(() => tokenLifetimes("5", {})).toThrow(new UsageError("--ttl must be at least 30 seconds, as route's CIM_TOKEN_TTL_SECONDS: a shorter token expires before a client can use and refresh it"));
    expect(() => tokenLifetimes("29", {})).toThrow(UsageError);
    expect(() => tokenLifetimes(undefined, { CIM_TOKEN_TTL_SECONDS: "10" })).toThrow(/^CIM_TOKEN_TTL_SECONDS must be at least 30 seconds/);
    expect(() => tokenLifetimes("60", { CIM_SESSION_MAX_SECONDS: "59" })).toThrow(/^CIM_SESSION_MAX_SECONDS must be at least 60 seconds/);
    expect(() => tokenLifetimes("0", {})).toThrow("--ttl must be a positive whole number");
    expect(() => tokenLifetimes("1.5", {})).toThrow(UsageError);
  });
});
