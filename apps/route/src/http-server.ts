// Route's HTTP server: Node's server with the timeouts of slow clients, and Hono's adapter answering in JSON errors.
import { createServer, type Server } from "node:http";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Logger } from "pino";
import { ambiguousFraming, oneRequestAtATime, slowClientTimeouts, type HostCheck } from "@cim/config";
import { ErrorCode } from "@cim/protocol";

/** A whole request (headers and a body of at most CIM_MAX_BODY_BYTES) must arrive within this; Node's is 300 s. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface RouteServerOptions {
  /** Headers must be in within this (CIM_HEADERS_TIMEOUT_MS), a whole request within REQUEST_TIMEOUT_MS, else 408. */
  headersTimeoutMs: number;
  /** The Hosts route answers (CIM_ALLOWED_HOSTS; DNS rebinding): others get `403 forbidden` before the app. */
  hosts?: HostCheck;
}

/** The contract's JSON error; the connection closes after it, as after every request Node could not parse (CONTRACT). */
function jsonError(status: number, code: ErrorCode, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { "content-type": "application/json", connection: "close" } });
}

/**
 * The server of `fetch`, not listening yet. Slow clients are cut off (408) as on a gateway's port: Node's defaults
 * (headers 60 s, checked every 30 s; a request 300 s) let a client that sends a byte now and then hold a socket and
 * its per-address slot for minutes. A request the adapter cannot turn into a Request (an HTTP/1.0 one without Host,
 * a Host that is no host name) is the contract's JSON `400 bad_request`, where the adapter answered an empty 400, as
 * is one with ambiguous framing (two Host headers: Node read the first, a proxy in front may have read the other).
 */
export function createRouteServer(fetch: (request: Request) => Response | Promise<Response>, options: RouteServerOptions, log: Logger): Server {
  const listener = getRequestListener(fetch, {
    errorHandler: (error: unknown) => {
      if (error instanceof RequestError) {
        log.info({ err: error.message }, "request refused: it names no valid URL");
        return jsonError(400, ErrorCode.BadRequest, error.message);
      }
      log.error({ err: error }, "request failed outside the app");
      return jsonError(500, ErrorCode.Internal, "internal error");
    },
  });
  // A connection's pipelined requests run one at a time (pipelined-requests.ts): each answer waited in memory.
  return createServer(slowClientTimeouts(options.headersTimeoutMs, REQUEST_TIMEOUT_MS), oneRequestAtATime((req, res) => {
    const ambiguous = ambiguousFraming(req.rawHeaders);
    if (ambiguous === undefined) {
      const path = (req.url ?? "").split("?")[0];
      const refused = options.hosts?.refusal(req.headers.host, { remote: req.socket.remoteAddress, method: req.method, path });
      if (refused === undefined) return void listener(req, res);
      const body = JSON.stringify({ error: { code: ErrorCode.Forbidden, message: refused } });
      res.writeHead(403, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store", "x-content-type-options": "nosniff" }).end(body);
      return;
    }
    log.info({ remote: req.socket.remoteAddress, method: req.method, path: (req.url ?? "").split("?")[0] }, `request refused: ${ambiguous}`);
    const body = JSON.stringify({ error: { code: ErrorCode.BadRequest, message: ambiguous } });
    res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" }).end(body);
  }, { log }));
}
