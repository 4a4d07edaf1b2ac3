// The route-defence tests' setup: one harness with small limits (accounts, logins, rooms, invitations, joins,
// searches, HTTP sends per window) and the helpers that register, sign in and check a flood's answer.
import { afterAll, beforeAll, expect } from "vitest";
import { startRouteHarness, type RouteHarness } from "./route-harness.js";

export const PASSWORD = "cim-test-pass-1";

export interface SecurityHarness {
  /** The harness, started before the file's tests and stopped after them; read its fields inside a test. */
  h: RouteHarness;
  /** A user name unique in the run, starting with `prefix`. */
  unique: (prefix: string) => string;
  json: (res: Response) => Promise<{ error: { code: string; message: string } } & Record<string, unknown>>;
  register: (userName: string, from: string, password?: string) => Promise<Response>;
  login: (userName: string, password: string, from: string) => Promise<Response>;
  /** A new user (named `prefix` and a unique tail) registered and signed in from `from`: its token. */
  signedIn: (prefix: string, from: string) => Promise<string>;
  /** The contract's answer to a flood: 429, `rate_limited`, and when to try again (Retry-After, in seconds). */
  expectRateLimited: (res: Response) => Promise<void>;
}

/** Starts route's harness with the security tests' limits before the file's tests and stops it after them. */
export function useSecurityHarness(): SecurityHarness {
  let started: RouteHarness | undefined;
  let seq = 0;
  beforeAll(async () => {
    started = await startRouteHarness({
      CIM_TOKEN_TTL_SECONDS: "120", CIM_SESSION_MAX_SECONDS: "7200", CIM_METRICS_TOKEN: "metrics-token-0123456789",
      CIM_REGISTER_PER_IP: "4", CIM_LOGIN_MAX_FAILURES_PER_IP: "30", CIM_ADMIN_MAX_FAILURES_PER_IP: "5", CIM_ROOMS_PER_USER: "3", CIM_INVITES_PER_USER: "3", CIM_ROOM_JOINS_PER_USER: "4", CIM_LOGINS_PER_USER: "4",
      CIM_SEARCHES_PER_USER: "3", CIM_HTTP_SENDS_PER_USER: "4", CIM_HTTP_SENDS_WINDOW_SECONDS: "60",
    });
  });
  afterAll(async () => started?.stop());
  // Tests run after beforeAll: each field is read from the started harness when a test uses it.
  const h = new Proxy({} as RouteHarness, { get: (_target, field) => Reflect.get(started!, field) });
  const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;
  const json = async (res: Response) => (await res.json()) as { error: { code: string; message: string } } & Record<string, unknown>;
  const register = (userName: string, from: string, password = PASSWORD) => h.call("POST", "/api/register", { body: { userName, password }, from });
  const login = (userName: string, password: string, from: string) => h.call("POST", "/api/login", { body: { userName, password }, from });
  return {
    h,
    unique,
    json,
    register,
    login,
    async signedIn(prefix, from) {
      const name = unique(prefix);
      await register(name, from);
      return ((await json(await login(name, PASSWORD, from))) as unknown as { token: string }).token;
    },
    async expectRateLimited(res) {
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await json(res)).error.code).toBe("rate_limited");
    },
  };
}
