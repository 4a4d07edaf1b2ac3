// Admin statistics: online count, gateways with their connections, message totals and rate.
import { Hono } from "hono";
import { requireAdmin } from "../auth.js";
import type { Services } from "../context.js";

export function adminRoutes(s: Services) {
  const app = new Hono();
  app.use(requireAdmin(s.config.CIM_ADMIN_TOKEN, s.guard, s.config.CIM_TRUST_PROXY, s.config.CIM_CONNECT_LIMIT_EXEMPT));

  app.get("/stats", async (c) => {
    const gateways = s.health.all();
    const [online, connections, messagesTotal] = await Promise.all([
      s.sessions.onlineCount(),
      s.sessions.connections(gateways.map((g) => g.id)),
      s.messages.count(),
    ]);
    return c.json({
      online,
      gateways: gateways.map((g, i) => ({ id: g.id, wsUrl: g.wsUrl, startedAt: g.startedAt, connections: connections[i] ?? 0 })),
      unreachable: s.health.unreachable(),
      missing: s.health.missing(),
      messagesTotal,
      messagesPerSecond: Math.round(s.rate.perSecond() * 10) / 10,
      strategy: s.config.CIM_ROUTE_STRATEGY,
      loginPolicy: s.config.CIM_LOGIN_POLICY,
      at: Date.now(),
    });
  });

  return app;
}
