// The gateway's plain HTTP: /healthz and /metrics on the WebSocket port.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayMetrics } from "./metrics.js";

export interface HealthSource {
  /** Each part's state; the gateway is healthy when all are "ok". */
  health: () => Record<string, string | number>;
  healthy: () => boolean;
}

export function createHttpHandler(metrics: GatewayMetrics, source: HealthSource) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const healthy = source.healthy();
      res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: healthy ? "ok" : "degraded", ...source.health() }));
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        })
        .catch(() => {
          res.writeHead(500).end();
        });
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "not_found", message: `no route ${req.method} ${path}` } }));
  };
}
