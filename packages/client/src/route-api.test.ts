import { describe, expect, it } from "vitest";
import { parseRetryAfter, RouteApi } from "./route-api.js";
import { fakeRoute } from "./testing.js";

describe("RouteApi errors", () => {
  it("a 429 carries route's Retry-After as retryAfterSeconds, with the server's code and message", async () => {
    const route = fakeRoute(() => ({ status: 429, body: { error: { code: "rate_limited", message: "too many failed logins for ann: try again in 30 s" } }, headers: { "retry-after": "30" } }));
    const api = new RouteApi("http://route.test", route.fetch);
    await expect(api.login("ann", "cim-test-pass-1")).rejects.toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 30, message: expect.stringContaining("try again in 30 s") });
  });

  it("a 400 weak_password keeps the server's message; no Retry-After means none", async () => {
    const route = fakeRoute(() => ({ status: 400, body: { error: { code: "weak_password", message: "that password is too common" } } }));
    const error = await new RouteApi("http://route.test", route.fetch).register("ann", "password1").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: "weak_password", message: "that password is too common", retryAfterSeconds: undefined });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("12", now)).toBe(12);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
