// The gateway's plain HTTP: /healthz and /metrics on the WebSocket port.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { ambiguousFraming, type HostCheck } from "@cim/config";
import { ErrorCode } from "@cim/protocol";
import { sameSecret } from "@cim/token";
import type { GatewayMetrics } from "./metrics.js";

/** Where sessions open (WebSocket upgrades); any other path is refused. */
export const SESSION_PATH = "/ws";

export interface HealthSource {
  /** Each part's state; the gateway is healthy when all are "ok". */
  health: () => Record<string, string | number>;
  healthy: () => boolean;
}

export interface HttpOptions {
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  log?: Logger;
  /** The Hosts the gateway answers (CIM_ALLOWED_HOSTS; DNS rebinding): others get `403 forbidden`. */
  hosts?: HostCheck;
}

/** The bearer token of the request ("" when it sent none; the scheme is case-insensitive, RFC 9110 11.1). */
function bearerOf(req: IncomingMessage): string {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
}

/** Route's challenge (CONTRACT): the realm, and error="invalid_token" when a bearer token was sent and refused. */
const challengeOf = (token: string) => (token ? 'Bearer realm="cim", error="invalid_token"' : 'Bearer realm="cim"');

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { code, message } }));
}

export function createHttpHandler(metrics: GatewayMetrics, source: HealthSource, options: HttpOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    // As the upgrade and route refuse it: two Host headers, or a framing a proxy in front may read otherwise.
    const ambiguous = ambiguousFraming(req.rawHeaders);
    if (ambiguous !== undefined) {
      options.log?.info({ remote: req.socket.remoteAddress, method: req.method, path }, `request refused: ${ambiguous}`);
      const body = JSON.stringify({ error: { code: ErrorCode.BadRequest, message: ambiguous } });
      res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" }).end(body);
      return;
    }
    const refused = options.hosts?.refusal(req.headers.host, { remote: req.socket.remoteAddress, method: req.method, path });
    if (refused !== undefined) return void sendError(res, 403, ErrorCode.Forbidden, refused);
    // HEAD as GET (Node sends no body for it): load balancers often probe with HEAD.
    const read = req.method === "GET" || req.method === "HEAD";
    if (read && path === "/healthz") {
      const healthy = source.healthy();
      res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: healthy ? "ok" : "degraded", ...source.health() }));
      return;
    }
    if (read && path === "/metrics") {
      const token = bearerOf(req);
      if (options.metricsToken && !(token && sameSecret(token, options.metricsToken))) {
        options.log?.info({ remote: req.socket.remoteAddress }, "/metrics refused: missing or wrong bearer token");
        sendError(res, 401, ErrorCode.Unauthorized, "GET /metrics needs Authorization: Bearer <CIM_METRICS_TOKEN>", { "www-authenticate": challengeOf(token) });
        return;
      }
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        })
        .catch((error: unknown) => {
          options.log?.error({ err: (error as Error).message }, "/metrics failed: the metrics could not be read");
          sendError(res, 500, ErrorCode.Internal, "the metrics could not be read");
        });
      return;
    }
    // A known path with a method it does not take: the method is wrong, not the path (RFC 9110: 405 with Allow).
    if (path === "/healthz" || path === "/metrics") {
      sendError(res, 405, ErrorCode.MethodNotAllowed, `${path} takes GET, HEAD, not ${req.method}`, { allow: "GET, HEAD" });
      return;
    }
    // A WebSocket handshake is a GET (RFC 6455 4.1): another method on the path is refused as route refuses one. HEAD
    // is answered as GET, as everywhere else (RFC 9110 9.3.2).
    if (path === SESSION_PATH && req.method !== "GET" && req.method !== "HEAD") {
      sendError(res, 405, ErrorCode.MethodNotAllowed, `${SESSION_PATH} takes GET (a WebSocket upgrade), not ${req.method}`, { allow: "GET, HEAD" });
      return;
    }
    // The right path without an upgrade (a browser tab, curl): say so, rather than "no route".
    if (path === SESSION_PATH) {
      sendError(res, 426, ErrorCode.BadRequest, `${SESSION_PATH} takes WebSocket upgrades only (Upgrade: websocket)`, { upgrade: "websocket", connection: "Upgrade" });
      return;
    }
    sendError(res, 404, ErrorCode.NotFound, `no route ${req.method} ${path}`);
  };
}
