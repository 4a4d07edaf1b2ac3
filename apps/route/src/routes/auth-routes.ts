// Register, login (picks a gateway), reconnect (a new gateway for a token holder), logout.
import { Hono } from "hono";
import { z } from "zod";
import { ErrorCode } from "@cim/protocol";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { ApiError } from "../errors.js";
import { hashPassword, verifyPassword } from "../password.js";
import { parseJson } from "../validation.js";

const Credentials = z.object({
  userName: z.string().trim().min(1, "userName is required").max(32, "userName is at most 32 characters")
    .regex(/^[\p{L}\p{N}_.-]+$/u, "userName may hold letters, digits, _ . - only"),
  password: z.string().min(6, "password must be at least 6 characters").max(128, "password is at most 128 characters"),
});
const LoginBody = z.object({ userName: z.string().min(1, "userName is required").max(64), password: z.string().min(1, "password is required").max(128) });
const Reconnect = z.object({ avoid: z.string().max(64).optional() }).default({});

export function authRoutes(s: Services) {
  const app = new Hono<AppEnv>();

  async function issue(user: { userId: string; userName: string; sessionId?: string; sessionEnd?: number }, avoid?: string) {
    const gateway = await s.picker.pick(s.gateways.list(), { userId: user.userId, avoid });
    if (!gateway) throw new ApiError(503, ErrorCode.NoGateway, "no gateway is available, try again shortly");
    const { token } = await s.tokens.sign(user, { sessionId: user.sessionId, sessionEnd: user.sessionEnd });
    return { userId: user.userId, userName: user.userName, token, gateway: { id: gateway.id, wsUrl: gateway.wsUrl } };
  }

  app.post("/register", async (c) => {
    const { userName, password } = await parseJson(c, Credentials);
    const account = await s.accounts.create(userName, await hashPassword(password));
    if (!account) throw new ApiError(409, ErrorCode.NameTaken, `the name ${userName} is taken`);
    s.log.info({ userId: account.userId, userName }, "registered");
    return c.json({ userId: account.userId, userName: account.userName }, 201);
  });

  app.post("/login", async (c) => {
    const { userName, password } = await parseJson(c, LoginBody);
    // Guessing passwords is slowed per name, before the (deliberately costly) hash is computed.
    const locked = await s.accounts.lockedFor(userName, s.config.CIM_LOGIN_MAX_FAILURES);
    if (locked > 0) {
      s.metrics.logins.inc({ outcome: "locked" });
      throw new ApiError(429, ErrorCode.RateLimited, `too many failed logins for ${userName}: try again in ${locked} s`);
    }
    const account = await s.accounts.byName(userName);
    if (!account || !(await verifyPassword(password, account.passwordHash))) {
      await s.accounts.recordFailure(userName, s.config.CIM_LOGIN_LOCK_SECONDS);
      s.metrics.logins.inc({ outcome: "bad_credentials" });
      throw new ApiError(401, ErrorCode.Unauthorized, "wrong user name or password");
    }
    if (s.config.CIM_LOGIN_POLICY === "reject") {
      const route = await s.sessions.routeOf(account.userId);
      // A route to a gateway that is gone is stale (it is being cleaned up), not a login.
      if (route && s.gateways.has(route)) {
        s.metrics.logins.inc({ outcome: "already_online" });
        throw new ApiError(409, ErrorCode.AlreadyOnline, `${userName} is already online`);
      }
    }
    const answer = await issue(account);
    s.metrics.logins.inc({ outcome: "ok" });
    return c.json(answer, 200);
  });

  app.post("/reconnect", requireUser(s.tokens, s.sessions), async (c) => {
    const { avoid } = await parseJson(c, Reconnect).catch(() => ({ avoid: undefined }));
    const user = c.get("user");
    return c.json(await issue(user, avoid), 200);
  });

  app.post("/logout", requireUser(s.tokens, s.sessions), async (c) => {
    const user = c.get("user");
    await s.sessions.revoke(user.sessionId, user.exp);
    const gatewayId = await s.sessions.routeOf(user.userId);
    if (gatewayId) {
      await s.bus.toGateway(gatewayId, { type: "kick", userId: user.userId, keepConnection: "" });
      if (await s.sessions.release(user.userId, gatewayId)) {
        await s.bus.toAll({ type: "presence", userId: user.userId, userName: user.userName, online: false });
      }
    }
    return c.body(null, 204);
  });

  return app;
}
