// The route HTTP app: API, health, metrics and the built web app; errors as {"error":{code,message}}.
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { Hono } from "hono";
import type { Context, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { compress } from "hono/compress";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import { serveStatic } from "@hono/node-server/serve-static";
import { ErrorCode } from "@cim/protocol";
import { FailureLog, isRedisUnavailable } from "@cim/state";
import type { AppEnv, Services } from "./context.js";
import { apiRoutes } from "./api-document.js";
import { BEARER_CHALLENGE, requireMetricsToken, requireUser, userTokenPaths } from "./auth.js";
import { allowedMethods } from "./allowed-methods.js";
import { ApiError, REDIS_RETRY_AFTER_SECONDS } from "./errors.js";
import { securityHeaders } from "./security-headers.js";
import { accountRoutes } from "./routes/account-routes.js";
import { adminRoutes } from "./routes/admin-routes.js";
import { blockRoutes } from "./routes/block-routes.js";
import { authRoutes } from "./routes/auth-routes.js";
import { chatRoutes } from "./routes/chat-routes.js";
import { conversationRoutes } from "./routes/conversation-routes.js";
import { docsRoutes } from "./routes/docs-routes.js";
import { roomRoutes } from "./routes/room-routes.js";
import { searchRoutes } from "./routes/search-routes.js";
import { userRoutes } from "./routes/user-routes.js";

export interface HealthProbe {
  healthy: () => boolean;
  health: () => Record<string, string | number>;
}

export function createApp(s: Services, probe: HealthProbe) {
  const app = new Hono<AppEnv>();
  const failures = new FailureLog(s.log);

  app.use("*", securityHeaders(s.gateways));
  app.use("/api/*", async (c, next) => {
    const end = s.metrics.duration.startTimer();
    await next();
    const route = routePath(c);
    end({ route });
    s.metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
  });
  // API answers carry tokens (login, reconnect) and users' messages: no cache, shared or the browser's, may keep
  // them (RFC 9111 no-store; RFC 6749 5.1 asks it of token answers). They went out with no Cache-Control at all.
  app.use("/api/*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  });
  app.use("/api/*", bodyLimit({
    maxSize: s.config.CIM_MAX_BODY_BYTES,
    // The rest of the body is never read: close the connection so no client reuses a half-read socket.
    onError: (c) =>
      c.json({ error: { code: ErrorCode.PayloadTooLarge, message: `body is larger than ${s.config.CIM_MAX_BODY_BYTES} bytes` } }, 413, { Connection: "close" }),
  }));

  // Read at the first request, when every route is registered.
  const methodsOf = allowedMethods(() => app.routes);
  const unknownPath = (c: Context) => c.json({ error: { code: ErrorCode.NotFound, message: `no route ${c.req.method} ${c.req.path}` } }, 404);
  const behindLogin = userTokenPaths(apiRoutes);
  const checkUser = requireUser(s.tokens, s.sessions);
  /**
   * No route for this request: 405 with Allow when its path has routes of other methods, else 404. A path whose every
   * method needs a user token answers a request without a valid one 401 first (CONTRACT), as the routers that check
   * the token in a middleware do; those whose routes check it themselves (/api/online, /api/history, ...) said 405.
   */
  const noRoute = async (c: Context) => {
    const allowed = methodsOf(c.req.path);
    if (allowed.length === 0) return unknownPath(c);
    if (behindLogin(c.req.path)) await checkUser(c, async () => undefined);
    const message = `${c.req.path} takes ${allowed.join(", ")}, not ${c.req.method}`;
    return c.json({ error: { code: ErrorCode.MethodNotAllowed, message } }, 405, { Allow: allowed.join(", ") });
  };
  // An unknown path is 404 before any token check (CONTRACT): the routers that check the token in a middleware (rooms,
  // users, conversations, search, blocks, admin) answered 401 to one without a token. A method the path does not take
  // is 405 before any route runs: a path of its own that also fits a pattern (/api/rooms/public, /api/rooms/:roomId)
  // was otherwise answered by the pattern's route (PATCH /api/rooms/public: 404, no room "public").
  app.use("/api/*", async (c, next) => (methodsOf(c.req.path).includes(c.req.method) ? next() : noRoute(c)));

  app.route("/api", docsRoutes());
  app.route("/api", authRoutes(s));
  app.route("/api/admin", adminRoutes(s));
  app.route("/api", chatRoutes(s));
  app.route("/api/rooms", roomRoutes(s));
  app.route("/api/users", userRoutes(s));
  app.route("/api/conversations", conversationRoutes(s));
  app.route("/api/search", searchRoutes(s));
  app.route("/api/blocks", blockRoutes(s));
  app.route("/api/account", accountRoutes(s));
  app.all("/api/*", noRoute);

  app.get("/healthz", (c) => {
    const healthy = probe.healthy();
    return c.json({ status: healthy ? "ok" : "degraded", ...probe.health() }, healthy ? 200 : 503);
  });
  app.get("/metrics", requireMetricsToken(s.config.CIM_METRICS_TOKEN), async (c) => c.text(await s.metrics.registry.metrics(), 200, { "content-type": s.metrics.registry.contentType }));

  mountWebApp(app, s.config.CIM_WEB_DIR, s.log);

  app.onError((error, c) => {
    // A send answered 503 may have been stored: its clientMsgId (route's own when the caller gave none) is named, so
    // the caller sends it again under that id and it is stored once.
    const clientMsgId = c.get("clientMsgId");
    const resend = clientMsgId ? { clientMsgId } : {};
    if (error instanceof ApiError) {
      // Every 401 names its scheme (RFC 9110 11.6.1), also one thrown without it (a wrong password asked again).
      const headers = error.status === 401 && !error.headers["WWW-Authenticate"] ? { ...error.headers, "WWW-Authenticate": BEARER_CHALLENGE } : error.headers;
      return c.json({ error: { code: error.code, message: error.message, ...(error.status === 503 ? resend : {}) } }, error.status, headers);
    }
    if (error instanceof HTTPException) return c.json({ error: { code: ErrorCode.BadRequest, message: error.message } }, error.status);
    // A client that hangs up while its body is read is no server failure: one line, no stack, nobody to answer.
    if ((error as NodeJS.ErrnoException).code === "ECONNRESET" || c.req.raw.signal.aborted) {
      s.log.info({ method: c.req.method, path: c.req.path, err: error.message }, "client aborted the request");
      return c.json({ error: { code: ErrorCode.BadRequest, message: "request aborted" } }, 400);
    }
    if (isRedisUnavailable(error)) {
      // Under an outage every request fails so (logins, sends, room announcements): one line per window, counted.
      failures.throttled(`Redis unavailable: ${error.message}`, { method: c.req.method, path: c.req.path, err: error.message }, "request failed: Redis unavailable (once per window, leftOut counts the others)");
      return c.json({ error: { code: ErrorCode.Unavailable, message: "temporarily unavailable, retry", ...resend } }, 503, { "Retry-After": String(REDIS_RETRY_AFTER_SECONDS) });
    }
    s.log.error({ err: error, method: c.req.method, path: c.req.path }, "request failed");
    return c.json({ error: { code: ErrorCode.Internal, message: "internal error" } }, 500);
  });
  app.notFound(noRoute);
  answerHeadAsGet(app);
  return app;
}

/**
 * HEAD is answered as GET without a body, with every header of the GET. Hono makes it `new Response(null, get)`, and
 * @hono/node-server's Response (1.19) takes from `get` only the headers it was created with: those middleware set on
 * it afterwards (the security headers, Cache-Control: no-store under /api/) were missing from every HEAD answer.
 */
function answerHeadAsGet(app: Hono<AppEnv>): void {
  const fetchGet = app.fetch;
  app.fetch = async (request, ...rest) => {
    if (request.method !== "HEAD") return fetchGet(request, ...rest);
    const get = await fetchGet(new Request(request, { method: "GET" }), ...rest);
    // Copied first: that Response rebuilds itself from its first headers when its body is read.
    const headers = new Headers(get.headers);
    const status = get.status;
    await get.body?.cancel();
    return new Response(null, { status, headers });
  };
}

/** Serves the built single-page app; unknown paths fall back to index.html (client-side routes like /admin). */
function mountWebApp(app: Hono<AppEnv>, dir: string, log: Services["log"]): void {
  if (!existsSync(join(dir, "index.html"))) {
    log.warn({ dir }, "web app not built: / answers 404 (npm run build)");
    return;
  }
  const root = relative(process.cwd(), dir) || ".";
  // Source maps are for developers' machines, never served.
  app.use("/*", async (c, next) => {
    if (c.req.path.endsWith(".map")) return c.json({ error: { code: ErrorCode.NotFound, message: "not found" } }, 404);
    await next();
  });
  // Vite names built assets by their content hash: they never change, so browsers keep them for a year; the
  // page and the service worker (sw.js: it opens the cached app while route is unreachable) are revalidated on
  // every use, so a new build is picked up at once and no browser keeps an old worker. The build writes brotli (.br) and gzip (.gz)
  // copies next to each text file (apps/web/precompress.ts): served as they are when the browser accepts them;
  // files without a copy are gzipped on the fly.
  const webApp = async (c: Context, next: Next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set("Cache-Control", c.req.path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  };
  app.use("/*", compress());
  // GET only (Hono routes HEAD to it): serveStatic answers any method, and an OPTIONS with a Content-Length and no
  // body, which left the client reading a truncated response.
  app.get("/*", webApp, serveStatic({ root, precompressed: true }));
  // An asset that is not there (an older build's, asked by a page or worker from before a deploy) is no client
  // route: the page in its place would be kept a year under that name and fail to run as a script.
  app.get("/assets/*", (c) => c.json({ error: { code: ErrorCode.NotFound, message: `no asset ${c.req.path}` } }, 404));
  app.get("/*", webApp, serveStatic({ root, path: "index.html", precompressed: true }));
  // The web app's paths are read-only: another method is told so (405 with Allow, as for /api paths), where it was
  // answered the page (POST /) or 404 (POST /some/route).
  app.all("/*", (c) => {
    const message = `${c.req.path} takes GET, HEAD, not ${c.req.method}`;
    return c.json({ error: { code: ErrorCode.MethodNotAllowed, message } }, 405, { Allow: "GET, HEAD" });
  });
}
