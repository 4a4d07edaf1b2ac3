// The caller's own account: deleting it, with its password.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { deleteAccount } from "../account-deletion.js";
import { bearer, errorAnswer, jsonBody } from "../api-route.js";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { verifyOwnPassword } from "../own-password.js";
import { MAX_PASSWORD_LENGTH } from "../password-policy.js";
import { bodyOf } from "../validation.js";

const AccountDeletion = z.object({ password: z.string().min(1, "password is required").max(MAX_PASSWORD_LENGTH) });

export const accountApi = {
  remove: createRoute({
    method: "delete", path: "/api/account", summary: "Delete the caller's account: every login ends, its rooms see it leave, its name stays taken",
    security: bearer, request: { body: jsonBody(AccountDeletion) },
    responses: {
      204: { description: "deleted" }, 400: errorAnswer("invalid"), 401: errorAnswer("bad token or wrong password"), 415: errorAnswer("not JSON"),
      429: errorAnswer("rate_limited: too many wrong passwords"),
    },
  }),
};

export function accountRoutes(s: Services) {
  const app = new Hono<AppEnv>();

  app.delete("/", requireUser(s.tokens, s.sessions, s.requests), async (c) => {
    const { password } = await bodyOf(c, accountApi.remove);
    const user = c.get("user");
    const account = await verifyOwnPassword(s, user, password, { logLine: "account deletion refused: wrong password", message: "the password is wrong" });
    await deleteAccount(s, { userId: account.userId, userName: account.userName });
    s.log.info({ userId: user.userId }, "account deleted at its user's request");
    return c.body(null, 204);
  });

  return app;
}
