import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { GatewayInfo } from "@cim/discovery";
import { GatewayHealth, HEALTH_PROBE_TIMEOUT_MS, httpProbe } from "./gateway-health.js";

const gw = (id: string): GatewayInfo => ({ id, wsUrl: `ws://127.0.0.1:1/${id}`, startedAt: 0 });
const directory = (list: GatewayInfo[]) => ({ list: () => list, has: (id: string) => list.some((g) => g.id === id) });

describe("GatewayHealth", () => {
  it("leaves out a gateway that fails its probe while others answer, and takes it back when it answers", async () => {
    const up = new Set(["gw-a", "gw-b"]);
    const health = new GatewayHealth(directory([gw("gw-a"), gw("gw-b")]), async (g) => up.has(g.id), pino({ level: "silent" }));
    up.delete("gw-a");
    await health.report("gw-a");
    expect(health.list().map((g) => g.id)).toEqual(["gw-b"]);
    expect(health.unreachable()).toEqual(["gw-a"]);
    expect(health.has("gw-a")).toBe(true);
    up.add("gw-a");
    await health.probeAll();
    expect(health.list().map((g) => g.id)).toEqual(["gw-a", "gw-b"]);
  });

  it("a gateway restarted under the same id (a new node) is handed out again at once", async () => {
    const list = [gw("gw-a"), gw("gw-b")];
    const health = new GatewayHealth(directory(list), async (g) => g.id !== "gw-a", pino({ level: "silent" }));
    await health.report("gw-a");
    expect(health.list().map((g) => g.id)).toEqual(["gw-b"]);
    list[0] = { ...gw("gw-a"), startedAt: 1, instance: "second" };
    expect(health.list().map((g) => g.id)).toEqual(["gw-a", "gw-b"]);
  });

  it("a storm of reports about a dead gateway costs one probe", async () => {
    let probes = 0;
    const health = new GatewayHealth(directory([gw("gw-a"), gw("gw-b")]), async (g) => (probes++, g.id !== "gw-a"), pino({ level: "silent" }));
    await Promise.all(Array.from({ length: 100 }, () => health.report("gw-a")));
    for (let i = 0; i < 100; i++) await health.report("gw-a");
    expect(probes).toBe(1);
    expect(health.unreachable()).toEqual(["gw-a"]);
  });

  it("reports about a gateway that answers probe it at most once per interval", async () => {
    let probes = 0;
    const health = new GatewayHealth(directory([gw("gw-a"), gw("gw-b")]), async () => (probes++, true), pino({ level: "silent" }), undefined, undefined, 1_000);
    for (const at of [10_000, 10_300, 10_999]) await health.report("gw-a", at);
    expect(probes).toBe(1);
    await health.report("gw-a", 11_000);
    await health.report("gw-b", 11_000);
    expect(probes).toBe(3);
  });

  it("a gateway that left ZooKeeper is reported missing until it is back, or for ten minutes", () => {
    const list = [gw("gw-a"), gw("gw-b")];
    const health = new GatewayHealth(directory(list), async () => true, pino({ level: "silent" }));
    expect(health.missing(1_000)).toEqual([]);
    list.splice(0, 1);
    expect(health.missing(2_000)).toEqual(["gw-a"]);
    list.unshift(gw("gw-a"));
    expect(health.missing(3_000)).toEqual([]);
    list.splice(0, 1);
    expect(health.missing(4_000)).toEqual(["gw-a"]);
    expect(health.missing(3_000 + 10 * 60_000 + 1)).toEqual([]);
  });

  it("a report about a healthy gateway changes nothing", async () => {
    const health = new GatewayHealth(directory([gw("gw-a"), gw("gw-b")]), async () => true, pino({ level: "silent" }));
    await health.report("gw-a");
    expect(health.list()).toHaveLength(2);
  });

  it("when no probe succeeds, every gateway stays listed (route may not reach their advertised URLs)", async () => {
    const health = new GatewayHealth(directory([gw("gw-a"), gw("gw-b")]), async () => false, pino({ level: "silent" }));
    await health.probeAll();
    expect(health.list()).toHaveLength(2);
    expect(health.unreachable()).toEqual(["gw-a", "gw-b"]);
  });

  it("one unanswered probe is no verdict (a busy gateway, a late route); the second in a row is", { timeout: 15_000 }, async () => {
    // A crowd load test's login storm (2,000 sockets at once) got one gateway, and with route's event loop late both,
    // left out with a warning at a single slow answer.
    const busy = createServer((_req, res) => void setTimeout(() => res.writeHead(200).end("{}"), HEALTH_PROBE_TIMEOUT_MS + 500));
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const slow = { ...gw("gw-a"), wsUrl: `ws://127.0.0.1:${(busy.address() as AddressInfo).port}/ws` };
    const health = new GatewayHealth(directory([slow, gw("gw-b")]), async (g) => (g.id === "gw-a" ? httpProbe(g) : true), log);
    try {
      await health.probeAll();
      expect(health.list().map((g) => g.id)).toEqual(["gw-a", "gw-b"]);
      expect(lines.filter((line) => line.includes("fails its health check"))).toEqual([]);
      await health.probeAll();
      expect(health.list().map((g) => g.id)).toEqual(["gw-b"]);
      expect(lines.filter((line) => line.includes("fails its health check"))).toHaveLength(1);
    } finally {
      busy.closeAllConnections();
      busy.close();
    }
  });

  it("a refused probe (nothing listens: killed) leaves the gateway out at once, and an answer brings it back", async () => {
    const answers = new Map<string, boolean | "silent">([["gw-a", false], ["gw-b", true]]);
    const health = new GatewayHealth(directory([gw("gw-a"), gw("gw-b")]), async (g) => answers.get(g.id)!, pino({ level: "silent" }));
    await health.probeAll();
    expect(health.unreachable()).toEqual(["gw-a"]);
    // Once out, one unanswered probe does not bring it back; an answer does.
    answers.set("gw-a", "silent");
    await health.probeAll();
    expect(health.unreachable()).toEqual(["gw-a"]);
    answers.set("gw-a", true);
    await health.probeAll();
    expect(health.list().map((g) => g.id)).toEqual(["gw-a", "gw-b"]);
  });
});
