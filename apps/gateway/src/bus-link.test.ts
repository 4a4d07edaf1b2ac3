import { EventEmitter } from "node:events";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { NODE_LOADED } from "@cim/state";
import { createBusLink } from "./bus-link.js";
import type { GatewayDeps, GatewayServices } from "./gateway-services.js";

/** A subscriber connection as the bus link uses it: events, SUBSCRIBE, PING; ready at once unless told. */
function fakeSubscriber(status = "ready") {
  const subscriber = Object.assign(new EventEmitter(), {
    isCluster: false,
    status,
    subscribe: async () => 2,
    ping: async () => "PONG",
  });
  return subscriber;
}

function setUp(subscriber = fakeSubscriber()) {
  const redis = Object.assign(new EventEmitter(), { isCluster: false });
  const deps = { config: { GATEWAY_ID: "gw-test" }, log: pino({ level: "silent" }), redis, subscriber } as unknown as GatewayDeps;
  const services = { delivery: { start: async () => undefined }, busChannels: new Set<string>() } as unknown as GatewayServices;
  return { redis, subscriber, link: createBusLink(deps, services) };
}

describe("BusLink", () => {
  it("takes every listener it put on the subscriber and the command client off again when stopped", async () => {
    const { redis, subscriber, link } = setUp();
    await link.start();
    expect(subscriber.eventNames()).not.toEqual([]);
    expect(redis.eventNames()).toEqual(["ready"]);
    link.stop();
    expect(subscriber.eventNames()).toEqual([]);
    expect(redis.eventNames()).toEqual([]);
  });

  it("stopped while it waits for the subscriber to be ready, leaves no listener and does not start", async () => {
    const { redis, subscriber, link } = setUp(fakeSubscriber("connecting"));
    const started = link.start();
    expect(subscriber.listenerCount("ready")).toBe(1);
    link.stop();
    await expect(started).rejects.toThrow("stopped before it had started");
    expect(subscriber.eventNames()).toEqual([]);
    expect(redis.eventNames()).toEqual([]);
  });

  it("on a cluster, a burst of re-subscriptions (ioredis says subscribersReady at each reconnect attempt of a failover) runs one catch-up at a time, and one more after it", async () => {
    const subscriber = Object.assign(fakeSubscriber(), { isCluster: true, ssubscribe: async () => 1 });
    const redis = Object.assign(new EventEmitter(), { isCluster: false });
    const calls = { resync: 0, wakeAll: 0, reloadAll: 0 };
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
    const services = {
      delivery: { start: async () => undefined, wakeAll: () => void calls.wakeAll++ },
      busChannels: new Set<string>(),
      membershipSync: { resync: () => (calls.resync++, slow()), lost: () => undefined },
      blocks: { reloadAll: () => (calls.reloadAll++, slow()) },
      presenceSubscriptions: { refreshAll: async () => undefined },
      fanOut: { closeRevoked: async () => 0 },
    } as unknown as GatewayServices;
    const deps = { config: { GATEWAY_ID: "gw-test" }, log: pino({ level: "silent" }), redis, subscriber } as unknown as GatewayDeps;
    const link = createBusLink(deps, services);
    await link.start();
    for (let i = 0; i < 50; i++) subscriber.emit("subscribersReady");
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The first, and one for all that came while it ran (each of which it started after): 50 before.
    expect(calls).toEqual({ resync: 2, wakeAll: 2, reloadAll: 2 });
    link.stop();
  });

  it("on a cluster, catches up again once a node has loaded its data (the catch-up at its re-subscription read it while it answered LOADING)", async () => {
    const subscriber = Object.assign(fakeSubscriber(), { isCluster: true, ssubscribe: async () => 1 });
    const redis = Object.assign(new EventEmitter(), { isCluster: true });
    const calls = { resync: 0, wakeAll: 0, reloadAll: 0 };
    const services = {
      delivery: { start: async () => undefined, wakeAll: () => void calls.wakeAll++ },
      busChannels: new Set<string>(),
      membershipSync: { resync: async () => void calls.resync++, lost: () => undefined },
      blocks: { reloadAll: async () => void calls.reloadAll++ },
      presenceSubscriptions: { refreshAll: async () => undefined },
      fanOut: { closeRevoked: async () => 0 },
    } as unknown as GatewayServices;
    const deps = { config: { GATEWAY_ID: "gw-test" }, log: pino({ level: "silent" }), redis, subscriber } as unknown as GatewayDeps;
    const link = createBusLink(deps, services);
    await link.start();
    redis.emit(NODE_LOADED);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual({ resync: 1, wakeAll: 1, reloadAll: 1 });
    link.stop();
    expect(redis.eventNames()).toEqual([]);
  });
});
