import { EventEmitter } from "node:events";
import pino from "pino";
import { describe, expect, it } from "vitest";
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
});
