// Prometheus metrics of route.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({ name: "cim_route_requests_total", help: "HTTP requests by route and status", labelNames: ["method", "route", "status"], registers: [registry] }),
    duration: new Histogram({ name: "cim_route_request_seconds", help: "HTTP request duration", labelNames: ["route"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    redisUp: new Gauge({ name: "cim_route_redis_up", help: "1 while the Redis connection is ready", registers: [registry] }),
    zookeeperUp: new Gauge({ name: "cim_route_zookeeper_up", help: "1 while the ZooKeeper session is connected", registers: [registry] }),
    replicaWaitSeconds: new Histogram({ name: "cim_route_replica_wait_seconds", help: "WAIT for replicas before answering POST /api/messages (CIM_REDIS_WAIT_REPLICAS)", buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    replicaWaitShortfalls: new Counter({ name: "cim_route_replica_wait_shortfalls_total", help: "HTTP sends acknowledged after WAIT timed out with fewer replicas than asked", registers: [registry] }),
    logins: new Counter({ name: "cim_route_logins_total", help: "Logins by outcome", labelNames: ["outcome"], registers: [registry] }),
  };
}

export type RouteMetrics = ReturnType<typeof createMetrics>;
