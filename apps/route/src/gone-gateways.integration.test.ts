// GoneGateways on a real Redis: a gateway gone from ZooKeeper has its users released; seen again, it is asked to
// claim its sessions again, after the release is done (which may land after the gateway's own claim).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startRedis, waitUntil, type Service } from "@cim/devstack";
import { BusPublisher, channels, createRedis, presenceBucket, SessionStore, type Redis } from "@cim/state";
import { GoneGateways } from "./gone-gateways.js";
import { recordBus } from "./testing/bus-recorder.js";

let service: Service;
let redis: Redis;

beforeAll(async () => {
  service = await startRedis();
  redis = createRedis(service.address, "test");
});
afterAll(async () => {
  redis?.disconnect();
  await service?.dispose();
});

describe("GoneGateways", () => {
  it("releases a gone gateway's users and, when it is listed again, asks it to claim its sessions again once the release is done", async () => {
    const sessions = new SessionStore(redis);
    const gone = new GoneGateways({ sessions, bus: new BusPublisher(redis, sessions), names: async (ids) => ids.map(() => "ann"), log: pino({ level: "silent" }) });
    await sessions.setSessions("41", "gw-x", 2);
    const bus = await recordBus(redis, [channels.gateway("gw-x"), channels.presence(presenceBucket("41"))]);
    try {
      // Removed and listed again at once: the gateway claimed its sessions before our release ran.
      gone.changed({ added: [], removed: ["gw-x"] });
      gone.changed({ added: ["gw-x"], removed: [] });
      await bus.waitFor((m) => m.type === "reclaim");
      expect(bus.messages.map((m) => m.type)).toEqual(["presence", "reclaim"]);
      expect(await sessions.gatewaysOf("41")).toEqual([]);

      // Listed again without a release before: nothing to ask.
      gone.changed({ added: ["gw-x"], removed: [] });
      await gone.release("gw-y");
      expect(bus.messages.filter((m) => m.type === "reclaim")).toHaveLength(1);
    } finally {
      bus.stop();
    }
  });

  it("tries a release that failed (Redis refusing writes) again until it is done", async () => {
    // Found by scripts/store-refusal-probe.ts --kill-gateway --leave-dead: a gateway killed while Redis refused writes
    // (or was down) left its users online for everyone until route restarted; the failed release was only logged.
    const sessions = new SessionStore(redis);
    const gone = new GoneGateways({ sessions, bus: new BusPublisher(redis, sessions), names: async (ids) => ids.map(() => "bea"), log: pino({ level: "silent" }) });
    await sessions.setSessions("42", "gw-z", 1);
    await redis.config("SET", "min-replicas-to-write", "1");
    try {
      await gone.release("gw-z");
      expect(await sessions.gatewaysOf("42")).toEqual(["gw-z"]);
    } finally {
      await redis.config("SET", "min-replicas-to-write", "0");
    }
    await waitUntil(async () => (await sessions.gatewaysOf("42")).length === 0, 10_000, "the release to be tried again");
  });
});
