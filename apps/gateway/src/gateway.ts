// The gateway: a WebSocket server for sessions, the bus subscription, and its ZooKeeper registration.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { answerClientErrorsAsJson, capConnectionsPerAddress } from "@cim/config";
import { ErrorCode, SessionClose } from "@cim/protocol";
import { GatewayRegistration, type ZkSession } from "@cim/discovery";
import { BlockStore, BusPublisher, BusWatchdog, channels, InboxStore, isCluster, MessageStore, onBusMessage, parseClusterMessages, ReadStore, ReceiptStore, ReplicaWait, RoomStore, SessionStore, subscribe, unsubscribe, type RedisClient } from "@cim/state";
import { TokenSigner } from "@cim/token";
import { Admission, clientAddress } from "./admission.js";
import { BlockList } from "./block-list.js";
import { ChatService } from "./chat-service.js";
import type { GatewayConfig } from "./config.js";
import { Delivery } from "./delivery.js";
import { FanOut } from "./fan-out.js";
import { FrameHandler } from "./frame-handler.js";
import { createHttpHandler, SESSION_PATH } from "./http-endpoints.js";
import { Membership } from "./membership.js";
import { MembershipSync } from "./membership-sync.js";
import { createMetrics } from "./metrics.js";
import { PresenceFanOut } from "./presence-fan-out.js";
import { PresenceInterest } from "./presence-interest.js";
import { PresenceKeeper } from "./presence-keeper.js";
import { PresenceSubscriptions } from "./presence-subscriptions.js";
import { ReceiptService } from "./receipt-service.js";
import { RoomEvents } from "./room-events.js";
import { Session, type SessionLimits } from "./session.js";
import { SessionSweep } from "./session-sweep.js";
import { SessionTable } from "./session-table.js";
import { TypingRelay } from "./typing-relay.js";

export interface GatewayDeps {
  config: GatewayConfig;
  log: Logger;
  /** Commands and publishing. */
  redis: RedisClient;
  /** A second client, in subscriber mode (on a cluster: sharded subscribers, one connection per master). */
  subscriber: RedisClient;
  zk: ZkSession;
}

export interface Gateway {
  server: Server;
  /** Subscribes, listens, registers; resolves with the bound port. */
  start: () => Promise<number>;
  /** Deregisters, closes every socket with 1001, clears their sessions in Redis. */
  stop: () => Promise<void>;
}

/** Gateways only verify tokens; the signer's lifetime is unused here. */
const TOKEN_TTL_UNUSED_S = 1;
/** A safety net for a lost room wake-up (one cheap XRANGE per room read here), and when empty readers close. */
const ROOM_POLL_MS = 2_000;

export function createGateway(deps: GatewayDeps): Gateway {
  const { config, log, redis, subscriber, zk } = deps;
  const gatewayId = config.GATEWAY_ID;
  const metrics = createMetrics({
    redisUp: () => redis.status === "ready" && subscriber.status === "ready",
    zookeeperUp: () => zk.state === "connected",
    presenceChannels: () => presenceInterest.channelCount,
    presenceWatched: () => presenceInterest.watchedCount,
  });
  const table = new SessionTable();
  const sessions = new SessionStore(redis);
  const bus = new BusPublisher(redis, sessions);
  const retention = { maxLenPerStream: config.CIM_STREAM_MAXLEN, maxAgeSeconds: config.CIM_STREAM_MAX_AGE_SECONDS };
  // The store hands this gateway the wake-ups of its senders' own inboxes instead of publishing them to it.
  const messages = new MessageStore(redis, { ...retention, gatewayId });
  const inboxes = new InboxStore(redis, retention);
  const reads = new ReadStore(redis);
  const receipts = new ReceiptStore(redis);
  const rooms = new RoomStore(redis);
  const membership = new Membership((userId) => rooms.roomsOf(userId));
  // The channels held now: a cluster's watchdog subscribes them again if a re-subscription went missing.
  const busChannels = new Set([channels.gateway(gatewayId), channels.all]);
  const subscriptions = {
    subscribe: (channel: string) => {
      busChannels.add(channel);
      return subscribe(subscriber, channel);
    },
    unsubscribe: (channel: string) => {
      busChannels.delete(channel);
      return unsubscribe(subscriber, channel);
    },
  };
  const delivery = new Delivery({ messages, inboxes, receipts, reads, table, membership, rooms, subscriptions, metrics, log, roomsHeld: (): boolean => membershipSync.held });
  const presence = new PresenceKeeper({ gatewayId, sessions, bus, table, log });
  const presenceInterest = new PresenceInterest(subscriptions, log);
  const blocks = new BlockList(new BlockStore(redis), log, (userId, other) => presenceSubscriptions.answerAgain(table.sessionsOf(userId), other));
  const presenceFanOut = new PresenceFanOut(presenceInterest, metrics, (userId, other) => blocks.hides(userId, other));
  const presenceSubscriptions = new PresenceSubscriptions({ interest: presenceInterest, fanOut: presenceFanOut, sessions, blocks, log });
  const roomEvents = new RoomEvents({ table, membership, delivery, metrics, log });
  const membershipSync = new MembershipSync({ refresh: () => roomEvents.refreshAll(), wakeRooms: () => delivery.rooms.wakeAll(), log });
  const admission = new Admission({
    maxPendingPerClient: config.CIM_MAX_PENDING_PER_IP, connectRatePerSec: config.CIM_CONNECT_RATE_PER_IP,
    connectBurst: config.CIM_CONNECT_BURST_PER_IP, exempt: config.CIM_CONNECT_LIMIT_EXEMPT,
  });
  const chat = new ChatService({
    gatewayId, heartbeatMs: config.CIM_HEARTBEAT_MS, frameRate: { perSec: config.CIM_RATE_PER_SEC, burst: config.CIM_RATE_BURST, sendsInFlight: config.CIM_MAX_SENDS_IN_FLIGHT }, maxSessionsPerUser: config.CIM_MAX_SESSIONS_PER_USER,
    onLoggedIn: (session) => admission.settled(session), tokens: new TokenSigner(config.CIM_TOKEN_SECRET, TOKEN_TTL_UNUSED_S),
    sessions, messages, presence, presenceSubscriptions, membership, blocks, table, delivery, metrics, log,
    replicas: new ReplicaWait(redis, { replicas: config.CIM_REDIS_WAIT_REPLICAS, timeoutMs: config.CIM_REDIS_WAIT_TIMEOUT_MS }, metrics, log),
    privateInOrder: isCluster(redis),
  });
  const receiptService = new ReceiptService({ messages, inboxes, reads, receipts, membership, blocks, bus, log });
  const typing = new TypingRelay({ table, membership, blocks, bus, log });
  const frames = new FrameHandler(chat, receiptService, typing, presenceSubscriptions, metrics, log, { maxSendsInFlight: config.CIM_MAX_SENDS_IN_FLIGHT });
  // Route may have released our users (we were gone from ZooKeeper): claim them again, then read every session's
  // streams from its cursor, since what was sent to them meanwhile woke no reader here.
  const reclaim = (why: string) =>
    void presence.reclaimAll()
      .then((users) => log.info({ users }, `sessions re-claimed: ${why}`), (error: unknown) => log.error({ err: error }, `re-claiming sessions failed (${why})`))
      .then(() => delivery.wakeAll());
  const fanOut = new FanOut({ table, delivery, roomEvents, typing, blocks, presence: presenceFanOut, metrics, log, reclaim: () => reclaim("route released them"), isRevoked: (login) => sessions.isRevoked(login) });
  const sweep = new SessionSweep({
    table, idleTimeoutMs: config.CIM_IDLE_TIMEOUT_MS, loginTimeoutMs: config.CIM_LOGIN_TIMEOUT_MS, onSweep: () => admission.sweep(), metrics, log,
  });
  const instance = randomUUID();
  let registration: GatewayRegistration | null = null;
  let roomTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  // Wake-ups published while the bus was down are lost: after a reconnect every reader catches up.
  // Rooms wait until memberships are read again (MembershipSync); the group and the inboxes catch up at once.
  const catchUp = () => {
    void membershipSync.resync();
    delivery.wakeAll();
    void blocks.reloadAll().then(() => presenceSubscriptions.refreshAll()).catch((error: unknown) => log.error({ err: error }, "re-reading blocks and presence after the bus came back failed"));
    // A kick published meanwhile is lost too: a login ended then would keep its socket until its token expires.
    fanOut.closeRevoked()
      .then((closed) => closed > 0 && log.info({ closed }, "closed the sockets of logins ended while the bus was down"))
      .catch((error: unknown) => log.error({ err: error }, "checking for logins ended while the bus was down failed"));
  };
  const watchdog = new BusWatchdog({
    redis, subscriber, canary: channels.gateway(gatewayId), channels: () => [...busChannels],
    onResubscribed: () => {
      log.warn("sharded bus subscription was missing on its shard: subscribed again, catching up from the streams");
      catchUp();
    },
    onError: (error) => log.warn({ err: (error as Error).message }, "checking the sharded bus subscription failed"),
  });

  const server = createServer(createHttpHandler(metrics, {
    healthy: () => redis.status === "ready" && subscriber.status === "ready" && zk.state === "connected" && !stopping,
    health: () => ({ gatewayId, redis: redis.status, subscriber: subscriber.status, zookeeper: zk.state, node: registration?.nodePath ?? "", connections: table.socketCount, sessions: table.sessionCount, users: table.userCount }),
  }, { metricsToken: config.CIM_METRICS_TOKEN, log }));
  answerClientErrorsAsJson(server, log);
  if (!config.CIM_TRUST_PROXY) capConnectionsPerAddress(server, { maxPerAddress: config.CIM_MAX_CONNECTIONS_PER_IP, exempt: config.CIM_CONNECT_LIMIT_EXEMPT, log });
  // No clientTracking: the session table holds every socket already, and ws's own Set costs a Set entry and a
  // 'close' listener (a closure and its context) per socket. autoPong stays: answering Pings ourselves would save its
  // closure per socket but a fourth listener grows each socket's listener table by as much (measured).
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.CIM_MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false });
  const allowedOrigins = new Set(config.CIM_ALLOWED_ORIGINS);

  // A refused upgrade's socket has no other 'error' listener: a client resetting it would otherwise crash the gateway.
  function onRefusedSocketError(this: Duplex, error: Error): void {
    log.debug({ err: error.message }, "refused upgrade: socket error");
    this.destroy();
  }
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    const origin = req.headers.origin;
    const remote = clientAddress(req, config.CIM_TRUST_PROXY);
    // The contract's JSON error, as route answers; a 429 says when to try again (Retry-After, seconds).
    const refuse = (status: number, why: string, code: ErrorCode, detail: string, retryAfterS?: number) => {
      log.info({ remote, origin, path }, `upgrade refused: ${detail}`);
      socket.on("error", onRefusedSocketError);
      const body = JSON.stringify({ error: { code, message: detail } });
      const retry = retryAfterS === undefined ? "" : `Retry-After: ${retryAfterS}\r\n`;
      socket.end(`HTTP/1.1 ${status} ${why}\r\n${retry}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (path !== SESSION_PATH) return refuse(404, "Not Found", ErrorCode.NotFound, `no such path: sessions open at ${SESSION_PATH}`);
    if (stopping) return refuse(503, "Service Unavailable", ErrorCode.Unavailable, "gateway shutting down");
    // Browsers always send Origin: only listed pages may open sessions (cross-site WebSocket hijacking).
    if (origin !== undefined && allowedOrigins.size > 0 && !allowedOrigins.has(origin)) return refuse(403, "Forbidden", ErrorCode.Forbidden, "origin not allowed");
    const refusal = admission.check(remote);
    if (refusal) {
      metrics.upgradesRefused.inc({ reason: refusal });
      const detail = refusal === "pending" ? `${config.CIM_MAX_PENDING_PER_IP} sockets of this address are not logged in yet` : "this address connects faster than its rate";
      // A pending place frees as soon as one socket logs in or closes; a rate token comes back after 1/rate s.
      const retryAfterS = refusal === "pending" ? 1 : Math.max(1, Math.ceil(1 / config.CIM_CONNECT_RATE_PER_IP));
      return refuse(429, "Too Many Requests", ErrorCode.RateLimited, detail, retryAfterS);
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, remote));
  });

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
    admission.settled(session);
    metrics.connections.set(table.socketCount - 1);
    log.debug({ remote: session.remote, userId: session.user?.userId, code }, "socket closed");
    // Wait for frames still in flight (a Login being claimed) before cleaning up.
    void session.queue.then(() => chat.disconnect(session)).catch((error: unknown) => log.error({ err: error, userId: session.user?.userId }, "cleanup after close failed"));
  }

  function onConnection(ws: WebSocket, req: IncomingMessage, address: string): void {
    const session = new Session(ws, limits, config.CIM_TRUST_PROXY ? `${address} via ${req.socket.remoteAddress}:${req.socket.remotePort}` : req.socket);
    table.add(session);
    admission.opened(session, address);
    metrics.connections.set(table.socketCount);
    ws.on("message", onMessage);
    ws.on("error", onError);
    ws.on("close", onClose);
  }

  async function start(): Promise<number> {
    onBusMessage(subscriber, (channel, payload) => {
      const messages = parseClusterMessages(payload);
      if (!messages) {
        metrics.busErrors.inc();
        log.warn({ channel }, "dropped a malformed bus message");
        return;
      }
      for (const message of messages) {
        try {
          fanOut.handle(message);
        } catch (error) {
          metrics.busErrors.inc();
          log.error({ err: error, channel, type: message.type }, "bus message handling failed");
        }
      }
    });
    // Subscribing before the connection is ready races with its setup commands (CLIENT SETNAME, INFO).
    if (subscriber.status !== "ready") await once(subscriber, "ready");
    await subscribe(subscriber, channels.gateway(gatewayId), channels.all);
    await delivery.start();
    subscriber.on("close", () => membershipSync.lost());
    // A cluster's sharded subscribers re-subscribe after a failover or a slot move (MOVED), then say subscribersReady.
    subscriber.on(isCluster(subscriber) ? "subscribersReady" : "ready", () => {
      if (isCluster(subscriber)) {
        log.info("bus resubscribed: catching up from the streams");
        return catchUp();
      }
      // ioredis says ready before it sends the re-subscription: a catch-up read now may run before the SUBSCRIBE,
      // and what is published between them is lost. A PING sent after it is answered once it is in place.
      setImmediate(() => {
        subscriber.ping().then(() => {
          log.info("bus resubscribed: catching up from the streams");
          catchUp();
        }, (error: unknown) => membershipSync.unconfirmed(`bus re-subscription not confirmed (${(error as Error).message}): catching up at the next ready`));
      });
    });
    watchdog.start();
    // Session counts whose write failed while Redis was down (a user logged off meanwhile) are written now.
    redis.on("ready", () => void presence.rewriteFailed().catch((error: unknown) => log.error({ err: error }, "writing session counts again failed")));
    // A previous incarnation killed without cleanup may have left sessions counted here.
    const leftovers = await sessions.releaseGateway(gatewayId);
    await bus.presence(leftovers.map((userId) => ({ userId, userName: "", online: false })));
    await new Promise<void>((resolve) => server.listen({ port: config.PORT, host: config.HOST, backlog: config.CIM_LISTEN_BACKLOG }, resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.PORT;
    const wsUrl = config.GATEWAY_WS_URL ?? `ws://${config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST}:${port}/ws`;
    if (!config.GATEWAY_WS_URL) log.warn({ wsUrl }, "GATEWAY_WS_URL not set: advertising a loopback URL that only this host can reach");
    let registrations = 0;
    registration = new GatewayRegistration(zk, { id: gatewayId, wsUrl, startedAt: Date.now(), instance }, {
      onRegistered: (node) => {
        log.info({ node, wsUrl }, "registered in ZooKeeper");
        // Re-registered after a session expiry: route may have released our users meanwhile.
        if (registrations++ > 0) reclaim("registered again");
      },
      onError: (error) => log.warn({ err: error.message }, "ZooKeeper registration failed, retrying"),
    });
    await registration.start();
    sweep.start();
    roomTimer = setInterval(() => membershipSync.poll(), ROOM_POLL_MS);
    return port;
  }

  async function stop(): Promise<void> {
    stopping = true;
    sweep.stop();
    clearInterval(roomTimer);
    watchdog.stop();
    await registration?.stop();
    const open = [...table.all()];
    for (const session of open) session.close(SessionClose.GoingAway, "gateway shutting down");
    await Promise.all(open.map((session) => session.queue.then(() => chat.disconnect(session)).catch((error: unknown) => log.error({ err: error }, "cleanup on shutdown failed"))));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return { server, start, stop };
}
