import { describe, expect, it } from "vitest";
import { loginRefusal } from "./login-policy.js";

describe("login policies", () => {
  it("multi admits logins up to the device limit, then answers 409 too_many_devices", () => {
    expect(loginRefusal("multi", 0, 3, "ann")).toBeNull();
    expect(loginRefusal("multi", 2, 3, "ann")).toBeNull();
    expect(loginRefusal("multi", 3, 3, "ann")).toMatchObject({ status: 409, code: "too_many_devices" });
    expect(loginRefusal("multi", 7, 3, "ann")).toMatchObject({ status: 409, code: "too_many_devices" });
  });

  it("reject answers 409 already_online while any session is live", () => {
    expect(loginRefusal("reject", 0, 10, "ann")).toBeNull();
    expect(loginRefusal("reject", 1, 10, "ann")).toMatchObject({ status: 409, code: "already_online" });
  });

  it("replace always admits (the gateway closes the other sessions)", () => {
    expect(loginRefusal("replace", 50, 10, "ann")).toBeNull();
  });
});
