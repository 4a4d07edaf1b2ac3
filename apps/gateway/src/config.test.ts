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

const SECRET = { CIM_TOKEN_SECRET: "gateway-config-test-secret-0123456789" };

describe("gateway configuration: connection limits", () => {
  it("has defaults that leave loopback (local proxy, tests, benchmarks) out of the per-address limits", () => {
    const config = loadConfig(SECRET);
    expect(config).toMatchObject({
      CIM_MAX_PENDING_PER_IP: 20, CIM_CONNECT_RATE_PER_IP: 20, CIM_CONNECT_BURST_PER_IP: 100,
      CIM_CONNECT_LIMIT_EXEMPT: ["127.0.0.0/8", "::1"], CIM_TRUST_PROXY: false, CIM_MAX_SESSIONS_PER_USER: 10,
    });
  });

  it("reads the limits, an empty exemption list, and refuses a bad entry by name", () => {
    const config = loadConfig({ ...SECRET, CIM_MAX_PENDING_PER_IP: "5", CIM_CONNECT_RATE_PER_IP: "0.5", CIM_CONNECT_LIMIT_EXEMPT: "", CIM_TRUST_PROXY: "1" });
    expect(config).toMatchObject({ CIM_MAX_PENDING_PER_IP: 5, CIM_CONNECT_RATE_PER_IP: 0.5, CIM_CONNECT_LIMIT_EXEMPT: [], CIM_TRUST_PROXY: true });
    expect(() => loadConfig({ ...SECRET, CIM_CONNECT_LIMIT_EXEMPT: "10.0.0.0/8,localhost" })).toThrow(/CIM_CONNECT_LIMIT_EXEMPT/);
    expect(() => loadConfig({ ...SECRET, CIM_MAX_SESSIONS_PER_USER: "0" })).toThrow(/CIM_MAX_SESSIONS_PER_USER/);
  });
});

describe("gateway configuration: allowed origins", () => {
  // sec25: "," parsed to no origin at all, and the upgrade's check, skipped for an empty list, let every page in.
  it("refuses a list naming no origin, and entries no browser sends, by name; takes origins as browsers send them", () => {
    for (const value of [",", " , ", "http://localhost:8080/", "https://chat.example.com/app", "HTTPS://Chat.Example.com", "https://chat.example.com:443", "null", "chat.example.com"]) {
      expect(() => loadConfig({ ...SECRET, CIM_ALLOWED_ORIGINS: value }), value).toThrow(/CIM_ALLOWED_ORIGINS/);
    }
    expect(loadConfig({ ...SECRET, CIM_ALLOWED_ORIGINS: "https://chat.example.com, http://127.0.0.1:8080" }).CIM_ALLOWED_ORIGINS).toEqual(["https://chat.example.com", "http://127.0.0.1:8080"]);
    expect(loadConfig({ ...SECRET, CIM_ALLOWED_ORIGINS: "" }).CIM_ALLOWED_ORIGINS).toContain("http://127.0.0.1:8080");
  });
});

describe("gateway configuration: the login burst", () => {
  it("is three times the sessions a user may hold unless set, and never below them", () => {
    expect(loadConfig(SECRET).CIM_WS_LOGINS_BURST_PER_USER).toBe(30);
    expect(loadConfig({ ...SECRET, CIM_MAX_SESSIONS_PER_USER: "25" }).CIM_WS_LOGINS_BURST_PER_USER).toBe(75);
    expect(loadConfig({ ...SECRET, CIM_MAX_SESSIONS_PER_USER: "25", CIM_WS_LOGINS_BURST_PER_USER: "" }).CIM_WS_LOGINS_BURST_PER_USER).toBe(75);
    expect(loadConfig({ ...SECRET, CIM_MAX_SESSIONS_PER_USER: "25", CIM_WS_LOGINS_BURST_PER_USER: "40" }).CIM_WS_LOGINS_BURST_PER_USER).toBe(40);
    expect(() => loadConfig({ ...SECRET, CIM_MAX_SESSIONS_PER_USER: "25", CIM_WS_LOGINS_BURST_PER_USER: "24" })).toThrow(/CIM_WS_LOGINS_BURST_PER_USER: 24 is below CIM_MAX_SESSIONS_PER_USER/);
  });
});

describe("gateway configuration: the defaults CONTRACT states", () => {
  it("has each default CONTRACT states for a variable it reads", () => {
    const config = loadConfig(SECRET) as unknown as Record<string, unknown>;
    const stated = [...contractDefaults()].filter(([name]) => name in config);
    expect(stated.length).toBeGreaterThan(5);
    expect(stated.filter(([name, value]) => config[name] !== value).map(([name, value]) => `${name}: CONTRACT ${value}, config ${String(config[name])}`)).toEqual([]);
  });
});

describe("gateway configuration: .env.example", () => {
  // Its empty GATEWAY_ID=, GATEWAY_WS_URL= and CIM_METRICS_TOKEN= were taken as values: "invalid gateway configuration".
  it("a copy of it with the secret filled in starts a gateway with every default (PORT aside: the file's is route's)", () => {
    const env = envExampleCopy();
    const copy = loadConfig({ ...env, PORT: "8091" });
    expect(copy).toEqual(loadConfig({ CIM_TOKEN_SECRET: env.CIM_TOKEN_SECRET, PORT: "8091" }));
  });
});

describe("gateway configuration: numbers", () => {
  // zod's coercion is Number(value): PORT=0x10 listened on 16, CIM_RATE_PER_SEC=1e3 allowed 1000 frames a second.
  it("takes every number setting in decimal digits only (a fraction after a point allowed), and names one spelled otherwise", () => {
    const numbers = Object.entries(loadConfig(SECRET)).filter(([, value]) => typeof value === "number").map(([name]) => name);
    expect(numbers).toEqual(expect.arrayContaining(["PORT", "CIM_RATE_PER_SEC", "CIM_WS_LOGINS_BURST_PER_USER"]));
    for (const name of numbers) {
      for (const value of ["0x10", "1e3", " 5"]) {
        expect(() => loadConfig({ ...SECRET, [name]: value }), `${name}=${value}`)
          .toThrow(`invalid gateway configuration: ${name}: ${JSON.stringify(value)} is not a number in decimal digits`);
      }
    }
    expect(loadConfig({ ...SECRET, CIM_WS_LOGINS_PER_SEC_PER_USER: "2.5", PORT: "8093" })).toMatchObject({ CIM_WS_LOGINS_PER_SEC_PER_USER: 2.5, PORT: 8093 });
  });
});
