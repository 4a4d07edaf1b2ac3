import { EventEmitter } from "node:events";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createBusLink } from "./bus-link.js";
import type { GatewayDeps, GatewayServices } from "./gateway-services.js";

/** A subscriber connection as the bus link uses it: events, SUBSCRIBE, PING; ready at once. */
function fakeSubscriber() {
  const subscriber = Object.assign(new EventEmitter(), {
    isCluster: false,
    status: "ready",
    subscribe: async () => 2,
    ping: async () => "PONG",
  });
  return subscriber;
}

describe("BusLink", () => {
  it("takes every listener it put on the subscriber off again when stopped", async () => {
    const subscriber = fakeSubscriber();
    const deps = { config: { GATEWAY_ID: "gw-test" }, log: pino({ level: "silent" }), redis: { isCluster: false }, subscriber } as unknown as GatewayDeps;
    const services = { delivery: { start: async () => undefined }, busChannels: new Set<string>() } as unknown as GatewayServices;
    const link = createBusLink(deps, services);
    await link.start();
    expect(subscriber.eventNames()).not.toEqual([]);
    link.stop();
    expect(subscriber.eventNames()).toEqual([]);
  });
});
