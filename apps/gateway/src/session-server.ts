// The gateway's port: plain HTTP (health, metrics), the checks at each WebSocket upgrade, and every socket's listeners.
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { ambiguousFraming, answerClientErrorsAsJson, capConnectionsPerAddress, HostCheck, oneRequestAtATime, slowClientTimeouts } from "@cim/config";
import { ErrorCode, SessionClose } from "@cim/protocol";
import { FailureLog } from "@cim/state";
import { clientAddress } from "./admission.js";
import type { GatewayConfig } from "./config.js";
import type { GatewayServices } from "./gateway-services.js";
import { createHttpHandler, SESSION_PATH, type HealthSource } from "./http-endpoints.js";
import { Session, type SessionLimits } from "./session.js";

/** The one WebSocket version the gateway speaks (RFC 6455); ws alone also accepts 8, a draft's. */
const WEBSOCKET_VERSION = "13";
/** Retry-After of an upgrade refused while the gateway shuts down: route hands out another gateway by then. */
const SHUTDOWN_RETRY_AFTER_SECONDS = 1;
/** Retry-After of an upgrade refused for the sockets its address holds here (CIM_MAX_SOCKETS_PER_IP). */
const SOCKETS_RETRY_AFTER_SECONDS = 10;

export interface SessionServerDeps {
  config: GatewayConfig;
  log: Logger;
  services: GatewayServices;
  health: HealthSource;
  /** True once the gateway is shutting down: upgrades are refused with 503. */
  stopping: () => boolean;
}

/** The HTTP server, not listening yet; upgrades that pass the checks become sessions. */
export function createSessionServer(deps: SessionServerDeps): Server {
  const { config, log, services } = deps;
  // An upgrade request must be complete within the login timeout, as a socket must log in within it: Node's defaults
  // (60 s for the headers, checked every 30 s) let a client hold a connection 90 s before it is counted anywhere. A
  // whole request too: the gateway reads no bodies (/healthz and /metrics are GETs), and Node's 300 s let a body sent
  // a byte at a time hold the connection that long after its answer.
  const handshakeMs = config.CIM_LOGIN_TIMEOUT_MS;
  // A connection's pipelined requests run one at a time (pipelined-requests.ts): 1,000 GETs of /metrics in one write
  // were rendered at once, each answer held in memory until those before it were read.
  // One check of Hosts (DNS rebinding) for the plain HTTP and the upgrades: one log line per window for both.
  const hosts = new HostCheck({ listenHost: config.HOST, allowed: config.CIM_ALLOWED_HOSTS, log });
  const server = createServer(
    slowClientTimeouts(handshakeMs, handshakeMs),
    oneRequestAtATime(createHttpHandler(services.metrics, deps.health, { metricsToken: config.CIM_METRICS_TOKEN, log, hosts }), { log }),
  );
  answerClientErrorsAsJson(server, log);
  const cap = config.CIM_TRUST_PROXY ? undefined : capConnectionsPerAddress(server, { maxPerAddress: config.CIM_MAX_CONNECTIONS_PER_IP, exempt: config.CIM_CONNECT_LIMIT_EXEMPT, log });
  // No clientTracking: the session table holds every socket already, and ws's own Set costs a Set entry and a
  // 'close' listener (a closure and its context) per socket. autoPong stays: answering Pings ourselves would save its
  // closure per socket but a fourth listener grows each socket's listener table by as much (measured).
  // handleProtocols: false agrees to no subprotocol. ws's default echoes the first one offered, telling a client that
  // the gateway speaks a protocol it never heard of; the contract names none, so such a client rightly gives up.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.CIM_MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false, handleProtocols: () => false });
  const admit = upgradeGate(deps, hosts);
  const onConnection = socketListeners(deps);
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const remote = admit(req, socket);
    if (remote === null) return;
    // Sessions have limits of their own: the socket no longer counts among the address's open HTTP connections.
    cap?.release(req.socket);
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, remote));
  });
  // A handshake ws cannot complete (another method, Upgrade, key or version): the same JSON error as every other
  // refused upgrade, where ws would answer plain text. ws has an 'error' listener on the socket by then.
  wss.on("wsClientError", (error: Error, socket: Duplex, req: IncomingMessage) => {
    // The path without its query: a client that put its token in the URL (the contract sends it in Login) would have
    // it written to the log.
    log.info({ remote: req.socket.remoteAddress, path: (req.url ?? "").split("?")[0] }, `upgrade refused: ${error.message}`);
    // Another method: 405 as for the same request without an upgrade (http-endpoints), /ws taking GET and HEAD.
    if (req.method !== "GET") writeRefusal(socket, 405, ErrorCode.MethodNotAllowed, error.message, { Allow: "GET, HEAD" });
    else writeRefusal(socket, 400, ErrorCode.BadRequest, error.message, { "Sec-WebSocket-Version": WEBSOCKET_VERSION });
  });
  return server;
}

/** Ends a refused upgrade's socket with the contract's JSON error and `headers` (a 429's Retry-After, in seconds). */
function writeRefusal(socket: Duplex, status: number, code: ErrorCode, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { code, message: detail } });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Checks an upgrade (path, shutdown, Origin, the address's admission): the client's address, or null once refused. */
function upgradeGate({ config, log, services, stopping }: SessionServerDeps, hosts: HostCheck) {
  const { admission, metrics } = services;
  const allowedOrigins = new Set(config.CIM_ALLOWED_ORIGINS);
  // A refused upgrade's socket has no other 'error' listener: a client resetting it would otherwise crash the gateway.
  function onRefusedSocketError(this: Duplex, error: Error): void {
    log.debug({ err: error.message }, "refused upgrade: socket error");
    this.destroy();
  }
  return (req: IncomingMessage, socket: Duplex): string | null => {
    const path = (req.url ?? "").split("?")[0];
    const origin = req.headers.origin;
    const remote = clientAddress(req, config.CIM_TRUST_PROXY);
    // The contract's JSON error, as route answers; a 429 or 503 says when to try again (Retry-After, seconds).
    const refuse = (status: number, code: ErrorCode, detail: string, headers: Record<string, string> = {}): null => {
      log.info({ remote, origin, path }, `upgrade refused: ${detail}`);
      socket.on("error", onRefusedSocketError);
      writeRefusal(socket, status, code, detail, headers);
      return null;
    };
    // Two Host headers (Node reads the first; a proxy in front may have routed or checked by the other).
    const ambiguous = ambiguousFraming(req.rawHeaders);
    if (ambiguous !== undefined) return refuse(400, ErrorCode.BadRequest, ambiguous);
    // A page whose name rebinds to this gateway's address (DNS rebinding); logged by the check, once per window.
    const wrongHost = hosts.refusal(req.headers.host, { remote, origin, path });
    if (wrongHost !== undefined) {
      socket.on("error", onRefusedSocketError);
      writeRefusal(socket, 403, ErrorCode.Forbidden, wrongHost);
      return null;
    }
    if (path !== SESSION_PATH) return refuse(404, ErrorCode.NotFound, `no such path: sessions open at ${SESSION_PATH}`);
    // ws takes version 8 too; the contract names 13 only. Other versions and a missing one are ws's to refuse (400).
    const version = req.headers["sec-websocket-version"];
    if (req.method === "GET" && version !== undefined && version !== WEBSOCKET_VERSION) {
      return refuse(400, ErrorCode.BadRequest, `unsupported WebSocket version ${JSON.stringify(version.slice(0, 16))}: only ${WEBSOCKET_VERSION}`, { "Sec-WebSocket-Version": WEBSOCKET_VERSION });
    }
    if (stopping()) return refuse(503, ErrorCode.Unavailable, "gateway shutting down", { "Retry-After": String(SHUTDOWN_RETRY_AFTER_SECONDS) });
    // Browsers always send Origin: only listed pages may open sessions (cross-site WebSocket hijacking).
    // The list is never empty (config.ts): an empty one used to let every page in.
    if (origin !== undefined && !allowedOrigins.has(origin)) return refuse(403, ErrorCode.Forbidden, "origin not allowed");
    const refusal = admission.check(remote);
    if (refusal) {
      metrics.upgradesRefused.inc({ reason: refusal });
      const detail = refusal === "pending" ? `${config.CIM_MAX_PENDING_PER_IP} sockets of this address are not logged in yet`
        : refusal === "sockets" ? `this address holds ${config.CIM_MAX_SOCKETS_PER_IP} sockets on this gateway already` : "this address connects faster than its rate";
      // A pending place frees as soon as one socket logs in or closes; a rate token comes back after 1/rate s; an open
      // socket's place when one closes, which nobody can tell: ask again later, or route for another gateway.
      const retryAfterS = refusal === "pending" ? 1 : refusal === "sockets" ? SOCKETS_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil(1 / config.CIM_CONNECT_RATE_PER_IP));
      return refuse(429, ErrorCode.RateLimited, detail, { "Retry-After": String(retryAfterS) });
    }
    return remote;
  };
}

/** Makes each accepted socket a Session in the table, with the shared listeners that hand its frames on. */
function socketListeners({ config, log, services }: SessionServerDeps) {
  const { table, admission, metrics, frames, chat } = services;
  const cleanups = new FailureLog(log);
  // One limits object and one set of ws listeners for every socket: nothing is built per connection but the Session.
  const limits: SessionLimits = {
    maxBufferedBytes: config.CIM_MAX_BUFFERED_BYTES, ratePerSec: config.CIM_RATE_PER_SEC, rateBurst: config.CIM_RATE_BURST, heartbeatMs: config.CIM_HEARTBEAT_MS,
    onSlowConsumer: (slow) => {
      metrics.closes.inc({ code: String(SessionClose.RateLimited) });
      log.warn({ remote: slow.remote, userId: slow.user?.userId, buffered: slow.socket.bufferedAmount }, "closing slow consumer: send buffer over the bound");
    },
  };
  function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
    const session = table.sessionOf(this);
    if (session) frames.receive(session, data, isBinary);
  }
  function onError(this: WebSocket, error: Error): void {
    const session = table.sessionOf(this);
    log.info({ remote: session?.remote, userId: session?.user?.userId, err: error.message }, "socket error");
  }
  function onClose(this: WebSocket, code: number): void {
    const session = table.sessionOf(this);
    if (!session) return;
    admission.closed(session);
    metrics.connections.set(table.socketCount - 1);
    log.debug({ remote: session.remote, userId: session.user?.userId, code }, "socket closed");
    chat.closing(session);
    // Wait for frames still in flight (a Login being claimed) before cleaning up.
    // With Redis lost, every socket that closes (failed logins among them) fails its cleanup: one line per window.
    void session.queue.then(() => chat.disconnect(session)).catch((error: unknown) => cleanups.failed({ userId: session.user?.userId }, "cleanup after close failed", error));
  }
  return (ws: WebSocket, req: IncomingMessage, address: string): void => {
    const session = new Session(ws, limits, config.CIM_TRUST_PROXY ? `${address} via ${req.socket.remoteAddress}:${req.socket.remotePort}` : req.socket);
    table.add(session);
    admission.opened(session, address);
    metrics.connections.set(table.socketCount);
    ws.on("message", onMessage);
    ws.on("error", onError);
    ws.on("close", onClose);
  };
}
