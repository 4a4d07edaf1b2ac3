// User search: any account by name prefix, online or not, so a private chat can start with anyone.
import { Hono } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { requireUser } from "../auth.js";
import type { AppEnv, Services } from "../context.js";
import { nameKey } from "../user-names.js";
import { lastSeenCards, userCards } from "../user-cards.js";
import { bearer, errorAnswer, jsonAnswer } from "../api-route.js";
import { queryOf } from "../validation.js";
import { queryInteger } from "../query-number.js";
import { chargeHeavyRead, lastSeenCost, USER_SEARCH_COST } from "../heavy-reads.js";

const SearchQuery = z.object({
  prefix: z.string().max(64, "prefix is at most 64 characters").default(""),
  limit: queryInteger("limit", 1, 50, 20),
});

/** One userId inside a list: DECIMAL_ID without its anchors. */
const USER_ID = "(?:0|[1-9][0-9]{0,19})";

/** At most this many users per `GET /api/users/last-seen`. */
export const MAX_LAST_SEEN_USERS = 100;

const LastSeenQuery = z.object({
  // Each a userId as DECIMAL_ID says ("0" or digits without a leading zero, as every id a client sends).
  userIds: z.string().regex(new RegExp(`^${USER_ID}(,${USER_ID}){0,${MAX_LAST_SEEN_USERS - 1}}$`), `userIds is 1-${MAX_LAST_SEEN_USERS} userIds, comma-separated`),
});

export const userApi = {
  search: createRoute({
    method: "get", path: "/api/users", summary: "Users whose canonical name starts with prefix", security: bearer, request: { query: SearchQuery },
    responses: { 200: jsonAnswer("{users:[{userId, userName, online}]}"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 429: errorAnswer("rate_limited (with Retry-After): more than CIM_HEAVY_READS_PER_USER heavy reads (online list, member pages, name searches, last-seen) per CIM_HEAVY_READS_WINDOW_SECONDS; a search costs 1") },
  }),
  lastSeen: createRoute({
    method: "get", path: "/api/users/last-seen", summary: "Whether each user named is online, and when an offline one was last online", security: bearer, request: { query: LastSeenQuery },
    responses: { 200: jsonAnswer("{users:[{userId, userName, online, lastSeen}]}: in the order given, unknown ids left out; lastSeen ms since the epoch, 0 when online or not known"), 400: errorAnswer("invalid"), 401: errorAnswer("bad token"), 429: errorAnswer("rate_limited (with Retry-After): more than CIM_HEAVY_READS_PER_USER heavy reads (online list, member pages, name searches, last-seen) per CIM_HEAVY_READS_WINDOW_SECONDS; this costs 1 per 10 users named (at least 1)") },
  }),
};

export function userRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireUser(s.tokens, s.sessions, s.requests));

  app.get("/", async (c) => {
    const query = queryOf(c, userApi.search);
    await chargeHeavyRead(s, c.get("user").userId, USER_SEARCH_COST, "/api/users");
    // Names are found by their canonical key, so "ALI", "аli" (Cyrillic) and "ａli" find "alice".
    const ids = await s.users.search({ prefix: nameKey(query.prefix.trim()), limit: query.limit });
    return c.json({ users: await userCards(s, ids, c.get("user").userId) });
  });

  app.get("/last-seen", async (c) => {
    const query = queryOf(c, userApi.lastSeen);
    const ids = [...new Set(query.userIds.split(","))];
    await chargeHeavyRead(s, c.get("user").userId, lastSeenCost(ids.length), "/api/users/last-seen");
    return c.json({ users: await lastSeenCards(s, ids, c.get("user").userId) });
  });

  return app;
}
