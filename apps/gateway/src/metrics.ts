// Prometheus metrics of one gateway.
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
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
    busErrors: new Counter({ name: "cim_gateway_bus_errors_total", help: "Bus messages that could not be handled", registers: [registry] }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;
