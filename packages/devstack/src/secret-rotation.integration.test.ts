// Rotating CIM_TOKEN_SECRET without logging everyone out (docs/DEPLOYMENT.md, "Rotating the token secret"): route and
// the gateways restarted with the new secret and the old one in CIM_TOKEN_SECRET_PREVIOUS still take the tokens
// signed before, and route's /api/reconnect hands out tokens of the new secret; without the old one they are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "./apps.js";
import { startCluster, TEST_TOKEN_SECRET, type Cluster } from "./cluster.js";
import { http, Session } from "./contract-client.js";

const NEW_SECRET = "cim-rotated-secret-0123456789abcdef-after";
let cluster: Cluster;
const started: AppProcess[] = [];
const sessions: Session[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
});
afterAll(async () => {
  for (const session of sessions) session.socket.terminate();
  for (const app of started) await app.stop();
  await cluster?.stop();
});

/** A gateway session logged in with `token`: its loginAck, or the close code it got instead. */
async function logIn(wsUrl: string, token: string): Promise<string> {
  const session = await Session.open(wsUrl);
  sessions.push(session);
  session.send("login", { token });
  return session.until(() => (session.frames.some((f) => f.kind === "loginAck") ? "loginAck" : session.closed ? `closed ${session.closed.code}` : undefined), "loginAck or close");
}

async function restarted(env: Record<string, string>): Promise<{ route: AppProcess; wsUrl: string }> {
  const route = await startApp("route", { ...cluster.env, ...env, PORT: "0" }, "route-rotated");
  started.push(route);
  const gateway = await startApp("gateway", { ...cluster.env, ...env, GATEWAY_ID: `gw-${started.length}`, CIM_ALLOWED_ORIGINS: "http://127.0.0.1" }, "gw-rotated");
  started.push(gateway);
  return { route, wsUrl: `ws://127.0.0.1:${gateway.port}/ws` };
}

describe("rotating the token secret", () => {
  it("keeps a user signed in across the change with CIM_TOKEN_SECRET_PREVIOUS, and moves them to the new secret", { timeout: 120_000 }, async () => {
    const userName = `rota-${Date.now().toString(36)}`;
    expect((await http(cluster.route.url, "POST", "/api/register", { body: { userName, password: "rotation-pass-1" } })).status).toBe(201);
    const login = await http(cluster.route.url, "POST", "/api/login", { body: { userName, password: "rotation-pass-1" } });
    const oldToken = (login.json as { token: string }).token;
    await cluster.route.stop();
    for (const gateway of cluster.gateways) await gateway.stop();

    const strict = await restarted({ CIM_TOKEN_SECRET: NEW_SECRET });
    expect((await http(strict.route.url, "POST", "/api/reconnect", { token: oldToken })).status).toBe(401);
    await strict.route.stop();

    const rotating = await restarted({ CIM_TOKEN_SECRET: NEW_SECRET, CIM_TOKEN_SECRET_PREVIOUS: TEST_TOKEN_SECRET });
    expect(await logIn(rotating.wsUrl, oldToken)).toBe("loginAck");
    const renewed = await http(rotating.route.url, "POST", "/api/reconnect", { token: oldToken });
    expect(renewed.status).toBe(200);
    const newToken = (renewed.json as { token: string }).token;
    expect(newToken).not.toBe(oldToken);

    // The change over: the old secret dropped, the renewed token still works and the old one no longer does.
    const after = await restarted({ CIM_TOKEN_SECRET: NEW_SECRET });
    expect(await logIn(after.wsUrl, newToken)).toBe("loginAck");
    expect((await http(after.route.url, "POST", "/api/reconnect", { token: oldToken })).status).toBe(401);
  });
});

describe("the order of the rotation's restarts", () => {
  it("gateways first, route last: every token route hands out at any step logs in on every gateway", { timeout: 120_000 }, async () => {
    const rotatingEnv = { CIM_TOKEN_SECRET: NEW_SECRET, CIM_TOKEN_SECRET_PREVIOUS: TEST_TOKEN_SECRET };
    const old = await startCluster({ gateways: 0 });
    try {
      const gateway = async (id: string, env: Record<string, string>) => {
        const app = await startApp("gateway", { ...old.env, ...env, GATEWAY_ID: id, CIM_ALLOWED_ORIGINS: "http://127.0.0.1" }, id);
        started.push(app);
        return `ws://127.0.0.1:${app.port}/ws`;
      };
      const userName = `order-${Date.now().toString(36)}`;
      expect((await http(old.route.url, "POST", "/api/register", { body: { userName, password: "rotation-pass-1" } })).status).toBe(201);
      const tokenFrom = async (routeUrl: string) => ((await http(routeUrl, "POST", "/api/login", { body: { userName, password: "rotation-pass-1" } })).json as { token: string }).token;

      // Step 1: a gateway restarted with the new secret (the old one previous) beside one not restarted yet, route old.
      const renewed = await gateway("gw-renewed", rotatingEnv);
      const notYet = await gateway("gw-not-yet", {});
      const before = await tokenFrom(old.route.url);
      expect([await logIn(renewed, before), await logIn(notYet, before)]).toEqual(["loginAck", "loginAck"]);

      // Route restarted while a gateway still has the old secret alone: the tokens it now signs are refused there
      // (4401, which the SDK takes as the login's end): why route comes last.
      const route = await startApp("route", { ...old.env, ...rotatingEnv, PORT: "0" }, "route-rotated");
      started.push(route);
      const after = await tokenFrom(route.url);
      expect(await logIn(notYet, after)).toBe("closed 4401");

      // Every gateway restarted before route: both tokens log in everywhere.
      const second = await gateway("gw-renewed-2", rotatingEnv);
      for (const wsUrl of [renewed, second]) expect([await logIn(wsUrl, before), await logIn(wsUrl, after)]).toEqual(["loginAck", "loginAck"]);
    } finally {
      await old.stop();
    }
  });
});

describe("a token of the previous secret", () => {
  it("is revoked like a current one: by its logout, and by a password change of another login", { timeout: 120_000 }, async () => {
    const old = await startCluster({ gateways: 1 }); // route answers logins only with a gateway up
    try {
      const userName = `prev-${Date.now().toString(36)}`;
      expect((await http(old.route.url, "POST", "/api/register", { body: { userName, password: "rotation-pass-1" } })).status).toBe(201);
      const tokenFrom = async (routeUrl: string, password = "rotation-pass-1") => ((await http(routeUrl, "POST", "/api/login", { body: { userName, password } })).json as { token: string }).token;
      const [loggedOut, signedOut, changing] = [await tokenFrom(old.route.url), await tokenFrom(old.route.url), await tokenFrom(old.route.url)];
      await old.route.stop();
      for (const stale of old.gateways) await stale.stop();
      const env = { ...old.env, CIM_TOKEN_SECRET: NEW_SECRET, CIM_TOKEN_SECRET_PREVIOUS: TEST_TOKEN_SECRET };
      const gateway = await startApp("gateway", { ...env, GATEWAY_ID: "gw-prev", CIM_ALLOWED_ORIGINS: "http://127.0.0.1" }, "gw-prev");
      started.push(gateway);
      const route = await startApp("route", { ...env, PORT: "0" }, "route-prev");
      started.push(route);
      const wsUrl = `ws://127.0.0.1:${gateway.port}/ws`;
      expect([await logIn(wsUrl, loggedOut), await logIn(wsUrl, signedOut)]).toEqual(["loginAck", "loginAck"]);

      expect((await http(route.url, "POST", "/api/logout", { token: loggedOut })).status).toBe(204);
      expect((await http(route.url, "POST", "/api/reconnect", { token: loggedOut })).status).toBe(401);
      expect(await logIn(wsUrl, loggedOut)).toBe("closed 4401");

      const changed = await http(route.url, "POST", "/api/password", { token: changing, body: { currentPassword: "rotation-pass-1", newPassword: "rotation-pass-2" } });
      expect(changed.status).toBe(204);
      expect((await http(route.url, "POST", "/api/reconnect", { token: signedOut })).status).toBe(401);
      expect(await logIn(wsUrl, signedOut)).toBe("closed 4401");
      expect(await logIn(wsUrl, changing)).toBe("loginAck"); // the login that changed it stays
    } finally {
      await old.stop();
    }
  });
});
