// The OpenAPI 3.1 document of route's API, generated from the route definitions whose schemas validate requests.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { bearer, errorAnswer, jsonAnswer } from "./api-route.js";
import { accountApi } from "./routes/account-routes.js";
import { authApi } from "./routes/auth-routes.js";
import { blockApi } from "./routes/block-routes.js";
import { chatApi } from "./routes/chat-routes.js";
import { conversationApi } from "./routes/conversation-routes.js";
import { roomApi } from "./routes/room-routes.js";
import { searchApi } from "./routes/search-routes.js";
import { userApi } from "./routes/user-routes.js";

export const docsApi = {
  document: createRoute({
    method: "get", path: "/api/openapi.json", summary: "This document (OpenAPI 3.1)",
    responses: { 200: jsonAnswer("the OpenAPI document") },
  }),
  page: createRoute({
    method: "get", path: "/api/docs", summary: "A reference page of this document",
    responses: { 200: { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } },
  }),
};

const adminApi = {
  stats: createRoute({
    method: "get", path: "/api/admin/stats", summary: "Online count, gateways with their connections, message totals (admin token)", security: bearer,
    responses: { 200: jsonAnswer("{online, gateways:[{id, wsUrl, connections, startedAt}], unreachable, messagesTotal, messagesPerSecond, ...}"), 401: errorAnswer("bad admin token"), 403: errorAnswer("admin API disabled"), 429: errorAnswer("rate_limited") },
  }),
};

/** Operations that take a user token and are never refused for the user's requests in progress (auth.ts: urgent). */
const URGENT = new Set(["/api/logout", "/api/logout/others"]);

const REQUEST_CAP = "rate_limited (Retry-After: 1): CIM_MAX_REQUESTS_PER_USER of the user's requests in progress on this route process and CIM_MAX_WAITING_REQUESTS_PER_USER waiting";
const REDIS_DOWN = "unavailable (with Retry-After): Redis unavailable (down, stalled, or refusing writes); try again";
const BODY_TOO_LARGE = "payload_too_large: a body over CIM_MAX_BODY_BYTES (16 KiB); the connection is closed";

type ApiRoute = (typeof apiRoutes)[number];

/** Operations that read no Redis: they never answer 503 unavailable. */
const WITHOUT_REDIS = new Set(Object.values(docsApi).map((route) => route.path));

/**
 * The answers an operation may give whatever it does (`requireUser`, `app.onError`), added to those its definition
 * lists: behind a user token, 429 for the cap of the user's requests in progress (not on logouts, never refused; the
 * admin paths check their own token); and on every one that reads Redis, 503 when Redis is unavailable (`app.onError`;
 * behind a token the token's login is read there first), beside a 503 of its own (login's no_gateway); and on every one
 * that takes a body, 413 for one over CIM_MAX_BODY_BYTES (app.ts' bodyLimit, before anything else).
 */
function withCommonAnswers(route: ApiRoute): ApiRoute {
  const responses: Record<string, unknown> = { ...route.responses };
  const listed = responses as Record<string, { description: string } | undefined>;
  if (route.security && !route.path.startsWith("/api/admin/") && !URGENT.has(route.path)) {
    const own = listed["429"];
    responses["429"] = own ? { ...own, description: `${own.description}; or ${REQUEST_CAP}` } : errorAnswer(REQUEST_CAP);
  }
  if (route.request && "body" in route.request && !listed["413"]) responses["413"] = errorAnswer(BODY_TOO_LARGE);
  if (!WITHOUT_REDIS.has(route.path)) {
    const own = listed["503"];
    if (!own) responses["503"] = errorAnswer(REDIS_DOWN);
    else if (!own.description.includes("unavailable")) responses["503"] = { ...own, description: `${own.description}; or ${REDIS_DOWN}` };
  }
  return { ...route, responses } as ApiRoute;
}

/** Every operation of the API, in the order the document lists them. */
export const apiRoutes = [authApi, accountApi, chatApi, roomApi, userApi, conversationApi, searchApi, blockApi, adminApi, docsApi].flatMap((group) => Object.values(group));

export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** The OpenAPI 3.1 document of every route in `apiRoutes`. */
export function openApiDocument(): OpenApiDocument {
  const doc = new OpenAPIHono();
  doc.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "a user token from /api/login, or CIM_ADMIN_TOKEN for /api/admin" });
  for (const route of apiRoutes) doc.openAPIRegistry.registerPath(withCommonAnswers(route));
  return doc.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "CIM route", version: "1", description: "The HTTP API of route; errors are {\"error\":{\"code\",\"message\"}} (docs/CONTRACT.md)." },
  });
}
