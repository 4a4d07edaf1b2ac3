// Prometheus metrics of one gateway.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Latency buckets of a Send, seconds: a local Redis answers in well under a millisecond. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface MetricSources {
  redisUp?: () => boolean;
  zookeeperUp?: () => boolean;
  /** Presence channels subscribed, and users some session here watches (PresenceInterest). */
  presenceChannels?: () => number;
  presenceWatched?: () => number;
}

export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    connections: new Gauge({ name: "cim_gateway_connections", help: "Open WebSocket connections", registers: [registry] }),
    sessions: new Gauge({ name: "cim_gateway_sessions", help: "Logged-in sessions", registers: [registry] }),
    messagesIn: new Counter({ name: "cim_gateway_messages_in_total", help: "Messages accepted from clients", labelNames: ["kind"], registers: [registry] }),
    framesOut: new Counter({ name: "cim_gateway_frames_out_total", help: "Frames pushed to clients", labelNames: ["kind"], registers: [registry] }),
    closes: new Counter({ name: "cim_gateway_closes_total", help: "Sockets closed by the gateway, by close code", labelNames: ["code"], registers: [registry] }),
    upgradesRefused: new Counter({ name: "cim_gateway_upgrades_refused_total", help: "WebSocket upgrades refused, by reason", labelNames: ["reason"], registers: [registry] }),
    sendsRefused: new Counter({ name: "cim_gateway_sends_refused_total", help: "Sends answered unavailable at once: CIM_MAX_SENDS_IN_FLIGHT of the session were in flight", registers: [registry] }),
    errors: new Counter({ name: "cim_gateway_errors_total", help: "Error frames answered to clients, by error code (docs/CONTRACT.md's codes)", labelNames: ["code"], registers: [registry] }),
    busErrors: new Counter({ name: "cim_gateway_bus_errors_total", help: "Bus messages that could not be handled", registers: [registry] }),
    sendSeconds: new Histogram({ name: "cim_gateway_send_seconds", help: "From a Send frame's arrival to its SendAck", buckets: LATENCY_BUCKETS_S, registers: [registry] }),
    storeSeconds: new Histogram({ name: "cim_gateway_store_seconds", help: "Storing one message in Redis (every step of its write)", buckets: LATENCY_BUCKETS_S, registers: [registry] }),
    replicaWaitSeconds: new Histogram({ name: "cim_gateway_replica_wait_seconds", help: "WAIT for replicas before a SendAck (CIM_REDIS_WAIT_REPLICAS)", buckets: LATENCY_BUCKETS_S, registers: [registry] }),
    replicaWaitShortfalls: new Counter({ name: "cim_gateway_replica_wait_shortfalls_total", help: "SendAcks sent after WAIT timed out with fewer replicas than asked", registers: [registry] }),
    redisUp: new Gauge({
      name: "cim_gateway_redis_up", help: "1 while both Redis connections are ready", registers: [registry],
      collect() { this.set(sources.redisUp?.() ? 1 : 0); },
    }),
    zookeeperUp: new Gauge({
      name: "cim_gateway_zookeeper_up", help: "1 while the ZooKeeper session is connected", registers: [registry],
      collect() { this.set(sources.zookeeperUp?.() ? 1 : 0); },
    }),
    presenceChannels: new Gauge({
      name: "cim_gateway_presence_channels", help: "Presence bucket channels subscribed for the users watched here", registers: [registry],
      collect() { this.set(sources.presenceChannels?.() ?? 0); },
    }),
    presenceWatched: new Gauge({
      name: "cim_gateway_presence_watched_users", help: "Users whose presence some session here subscribed", registers: [registry],
      collect() { this.set(sources.presenceWatched?.() ?? 0); },
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;
