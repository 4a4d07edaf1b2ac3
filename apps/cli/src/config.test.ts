import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";

describe("parseConfig", () => {
  it("reads the options", () => {
    expect(parseConfig(["--route", "http://h:81/", "--user", "ann", "--password", "cim-test-pass-1", "--register"], {})).toEqual({
      ok: true,
      config: { routeUrl: "http://h:81", userName: "ann", password: "cim-test-pass-1", register: true },
    });
  });

  it("falls back to the environment, then to the default route", () => {
    expect(parseConfig([], { CIM_USER: "bob", CIM_PASSWORD: "pw" })).toEqual({
      ok: true,
      config: { routeUrl: "http://127.0.0.1:8080", userName: "bob", password: "pw", register: false },
    });
    expect(parseConfig(["--user", "ann"], { CIM_USER: "bob", CIM_ROUTE_URL: "https://chat.example" })).toMatchObject({
      config: { routeUrl: "https://chat.example", userName: "ann" },
    });
  });

  it("leaves missing credentials to be asked", () => {
    expect(parseConfig([], {})).toMatchObject({ ok: true, config: { userName: undefined, password: undefined } });
  });

  it("names what is wrong", () => {
    expect(parseConfig(["--bogus"], {})).toEqual({ ok: false, help: false, error: "Unknown option '--bogus'" });
    expect(parseConfig(["--route", "ws://h"], {})).toMatchObject({ ok: false, error: expect.stringContaining("route must be an http(s) URL") });
    expect(parseConfig(["--user", " "], {})).toMatchObject({ ok: false, error: "user must not be empty" });
    expect(parseConfig(["extra"], {})).toMatchObject({ ok: false, error: expect.stringContaining("extra") });
  });

  it("asks for help", () => {
    expect(parseConfig(["--help"], {})).toEqual({ ok: false, help: true });
  });
});
