// Route's configuration against what docs/CONTRACT.md states of it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contractDefaults, REPO_ROOT } from "@cim/devstack";
import { loadConfig } from "./config.js";

/** `.env.example` as an operator copies it to `.env` (its empty values included), with the two secrets filled in. */
function envExampleCopy(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, ".env.example"), "utf8");
  const env = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { ...env, CIM_TOKEN_SECRET: "env-example-test-secret-0123456789abcdef", CIM_ADMIN_TOKEN: "env-example-admin-token-0123" };
}

describe("route configuration: the defaults CONTRACT states", () => {
  it("has each default CONTRACT states for a variable it reads", () => {
    const config = loadConfig({ CIM_TOKEN_SECRET: "route-config-test-secret-0123456789", CIM_ADMIN_TOKEN: "disabled" }) as unknown as Record<string, unknown>;
    const stated = [...contractDefaults()].filter(([name]) => name in config);
    expect(stated.length).toBeGreaterThan(10);
    expect(stated.filter(([name, value]) => config[name] !== value).map(([name, value]) => `${name}: CONTRACT ${value}, config ${String(config[name])}`)).toEqual([]);
  });
});

describe("route configuration: .env.example", () => {
  // Its empty values (CIM_METRICS_TOKEN=, CIM_WEB_DIR=, ...) were taken as values: "invalid route configuration:
  // CIM_METRICS_TOKEN: Too small", and an empty CIM_WEB_DIR served no web app.
  it("a copy of it with the two secrets filled in starts route with every default", () => {
    const env = envExampleCopy();
    const secretsOnly = { CIM_TOKEN_SECRET: env.CIM_TOKEN_SECRET, CIM_ADMIN_TOKEN: env.CIM_ADMIN_TOKEN };
    expect(loadConfig(env)).toEqual(loadConfig(secretsOnly));
  });

  it("an empty variable is unset, but for CIM_CONNECT_LIMIT_EXEMPT, whose empty value means no exemption", () => {
    const config = loadConfig({ CIM_TOKEN_SECRET: "route-config-test-secret-0123456789", CIM_ADMIN_TOKEN: "disabled", CIM_MAX_DEVICES: "", CIM_CONNECT_LIMIT_EXEMPT: "" });
    expect(config.CIM_MAX_DEVICES).toBe(10);
    expect(config.CIM_CONNECT_LIMIT_EXEMPT).toEqual([]);
  });
});

describe("route configuration: numbers", () => {
  // zod's coercion is Number(value): PORT=0x10 listened on 16, CIM_TOKEN_TTL_SECONDS=1e3 signed 1000 s tokens.
  it("takes every number setting in decimal digits only, and names one spelled otherwise", () => {
    const secrets = { CIM_TOKEN_SECRET: "route-config-test-secret-0123456789", CIM_ADMIN_TOKEN: "disabled" };
    const numbers = Object.entries(loadConfig(secrets)).filter(([, value]) => typeof value === "number").map(([name]) => name);
    expect(numbers).toContain("PORT");
    for (const name of numbers) {
      for (const value of ["0x10", "1e3", " 5"]) {
        expect(() => loadConfig({ ...secrets, [name]: value }), `${name}=${value}`)
          .toThrow(`invalid route configuration: ${name}: ${JSON.stringify(value)} is not a number in decimal digits`);
      }
    }
    expect(loadConfig({ ...secrets, PORT: "08081" }).PORT).toBe(8081);
  });
});
