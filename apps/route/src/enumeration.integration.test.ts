// No user enumeration by timing: an unknown name costs one password verification, like a wrong password.
import { verify } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  return { ...real, verify: vi.fn(real.verify) };
});

let h: RouteHarness;
beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

describe("login of an unknown name", () => {
  it("verifies a password hash just as a wrong password does, and answers the same 401", async () => {
    await h.call("POST", "/api/register", { body: { userName: "known", password: "cim-test-pass-1" }, from: "10.20.0.1" });
    const verifications = vi.mocked(verify);
    const attempt = async (userName: string) => {
      const before = verifications.mock.calls.length;
      const res = await h.call("POST", "/api/login", { body: { userName, password: "wrong-password-9" }, from: "10.20.0.2" });
      return { status: res.status, body: await res.json(), verifications: verifications.mock.calls.length - before };
    };
    const wrongPassword = await attempt("known");
    const unknownName = await attempt("nobody-by-this-name");
    expect(wrongPassword.verifications).toBe(1);
    expect(unknownName.verifications).toBe(1);
    expect(unknownName.status).toBe(401);
    expect(unknownName.body).toEqual(wrongPassword.body);
  });
});
