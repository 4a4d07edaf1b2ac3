// The gateway: its services, its port and its bus link put together, and their lifecycle (start, stop).
import type { Server } from "node:http";
import { randomUUID } from "node:crypto";
import { keepFilesInReserve, listenOn } from "@cim/config";
import { SessionClose } from "@cim/protocol";
import { GatewayRegistration } from "@cim/discovery";
import { GatewayLeases, whenRedisServes } from "@cim/state";
import { createBusLink } from "./bus-link.js";
import { createServices, type GatewayDeps } from "./gateway-services.js";
import { refuseLiveNamesake } from "./id-guard.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { createSessionServer } from "./session-server.js";

export type { GatewayDeps } from "./gateway-services.js";

export interface Gateway {
  server: Server;
  /** Subscribes, listens, registers; resolves with the bound port. */
  start: () => Promise<number>;
  /** Deregisters, closes every socket with 1001, clears their sessions in Redis. */
  stop: () => Promise<void>;
}

/**
 * A safety net for a lost room wake-up (one cheap XRANGE per room read here), and when empty readers close; inbox reads
 * that failed are done again then too.
 */
const ROOM_POLL_MS = 2_000;

export function createGateway(deps: GatewayDeps): Gateway {
  const { config, log, redis, subscriber, zk } = deps;
  const gatewayId = config.GATEWAY_ID;
  const services = createServices(deps);
  const { table, sessions, bus, membershipSync, chat, sweep, reclaim, delivery } = services;
  const busLink = createBusLink(deps, services);
  const instance = randomUUID();
  const lease = new LeaseKeeper({ leases: new GatewayLeases(redis), gatewayId, instance, leaseMs: config.CIM_GATEWAY_LEASE_MS, reclaim, log });
  let registration: GatewayRegistration | null = null;
  let roomTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const server = createSessionServer({
    config, log, services, stopping: () => stopping,
    health: {
      healthy: () => redis.status === "ready" && subscriber.status === "ready" && zk.state === "connected" && !stopping,
      health: () => ({ gatewayId, redis: redis.status, subscriber: subscriber.status, zookeeper: zk.state, node: registration?.nodePath ?? "", connections: table.socketCount, sessions: table.sessionCount, users: table.userCount }),
    },
  });

  // At capacity the gateway must still reach Redis and ZooKeeper (a reconnect takes a file): sockets past the limit
  // less a reserve are closed at once, as the kernel's limit would, but before it.
  keepFilesInReserve(server, log);

  /** Listens on the configured port: the bound port, and the URL clients are sent to. */
  async function listen(): Promise<{ port: number; wsUrl: string }> {
    const port = await listenOn(server, { port: config.PORT, host: config.HOST, backlog: config.CIM_LISTEN_BACKLOG });
    const wsUrl = config.GATEWAY_WS_URL ?? `ws://${config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST}:${port}/ws`;
    if (!config.GATEWAY_WS_URL) log.warn({ wsUrl }, "GATEWAY_WS_URL not set: advertising a loopback URL that only this host can reach");
    return { port, wsUrl };
  }

  async function register(wsUrl: string): Promise<void> {
    let registrations = 0;
    registration = new GatewayRegistration(zk, { id: gatewayId, wsUrl, startedAt: Date.now(), instance }, {
      onRegistered: (node) => {
        log.info({ node, wsUrl }, "registered in ZooKeeper");
        // Re-registered after a session expiry: route may have released our users meanwhile.
        if (registrations++ > 0) void reclaim("registered again").catch(() => undefined);
      },
      onError: (error) => log.warn({ err: error.message }, "ZooKeeper registration failed, retrying"),
    });
    await registration.start();
  }

  async function start(): Promise<number> {
    // Before anything is released in Redis: a namesake that runs would lose its users to this start.
    await refuseLiveNamesake(zk, gatewayId, instance);
    await busLink.start();
    // A previous incarnation killed without cleanup may have left sessions counted here. The subscriber being ready
    // does not make this connection ready: while Redis still loads its data, its commands fail at once (LOADING), so
    // the step waits for Redis to serve, as route's start does.
    await whenRedisServes(redis, async () => {
      const leftovers = await sessions.releaseGateway(gatewayId);
      await bus.presence(leftovers.map((userId) => ({ userId, userName: "", online: false })));
    }, (why) => log.warn({ why }, "waiting for Redis before starting"));
    const { port, wsUrl } = await listen();
    await register(wsUrl);
    lease.start();
    sweep.start();
    roomTimer = setInterval(() => {
      membershipSync.poll();
      delivery.inbox.retryFailed();
    }, ROOM_POLL_MS);
    return port;
  }

  async function stop(): Promise<void> {
    stopping = true;
    sweep.stop();
    lease.stop();
    clearInterval(roomTimer);
    busLink.stop();
    await registration?.stop();
    const open = [...table.all()];
    for (const session of open) session.close(SessionClose.GoingAway, "gateway shutting down");
    await Promise.all(open.map((session) => session.queue.then(() => chat.disconnect(session)).catch((error: unknown) => log.error({ err: error }, "cleanup on shutdown failed"))));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return { server, start, stop };
}
