// Route's configuration against what docs/CONTRACT.md states of it.
import { describe, expect, it } from "vitest";
import { contractDefaults } from "@cim/devstack";
import { loadConfig } from "./config.js";

describe("route configuration: the defaults CONTRACT states", () => {
  it("has each default CONTRACT states for a variable it reads", () => {
    const config = loadConfig({ CIM_TOKEN_SECRET: "route-config-test-secret-0123456789", CIM_ADMIN_TOKEN: "disabled" }) as unknown as Record<string, unknown>;
    const stated = [...contractDefaults()].filter(([name]) => name in config);
    expect(stated.length).toBeGreaterThan(10);
    expect(stated.filter(([name, value]) => config[name] !== value).map(([name, value]) => `${name}: CONTRACT ${value}, config ${String(config[name])}`)).toEqual([]);
  });
});
