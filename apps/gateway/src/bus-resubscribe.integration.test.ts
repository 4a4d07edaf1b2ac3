// After its Redis connections come back (a Redis restart, a network blip), a gateway catches up from the streams
// only once its bus subscription is in place again: what is published before that is read, not lost; and a login
// ended meanwhile (its kick published while the gateway was not subscribed) is closed then.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { RouteApi } from "@cim/client";
import { startCluster, waitUntil, type AppProcess, type Cluster } from "@cim/devstack";
import { SessionClose } from "@cim/protocol";
import { rawDevice, receivedTexts, registerUser, TEST_PASSWORD, type RawDevice } from "./test-support.js";

/** How long the proxy holds a client's (re)subscription before passing it to Redis. */
const SUBSCRIBE_DELAY_MS = 2_000;

let cluster: Cluster;
let proxy: SlowSubscribeProxy;
let gateway: AppProcess;
const devices: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 0 });
  proxy = await SlowSubscribeProxy.start(cluster.redis.port);
  gateway = await cluster.startGateway("gw-p", { REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
});
afterAll(async () => {
  for (const device of devices) device.ws.close();
  proxy?.close();
  await cluster?.stop();
});

it("a private message published while the bus re-subscribes reaches the session (caught up after the subscription, not before)", { timeout: 60_000 }, async () => {
  const api = new RouteApi(cluster.route.url);
  const ann = await registerUser(cluster.route.url, "ann");
  const bob = await registerUser(cluster.route.url, "bob");
  const annDevice = await rawDevice(`${gateway.url.replace(/^http/, "ws")}/ws`, ann.token);
  devices.push(annDevice);
  const catchUps = () => gateway.process.output().split("bus resubscribed").length;
  const before = catchUps();
  const held = proxy.heldSubscriptions;

  proxy.cut();
  // Reconnected: the gateway's SUBSCRIBE is held by the proxy for SUBSCRIBE_DELAY_MS.
  await waitUntil(() => proxy.heldSubscriptions > held, 20_000, "the gateway to subscribe again");
  // Stored (by route) and published while the gateway is not subscribed yet: only the catch-up can find it.
  await api.sendMessage(bob.token, { to: ann.userId, text: "during the re-subscription" });
  // Before the fix the catch-up ran at once (ioredis says ready before it re-subscribes), found nothing yet, and
  // the wake-up was lost: ann got it only with the next message sent to her.
  await waitUntil(() => annDevice.messages().some((m) => m.text === "during the re-subscription"), 20_000, "ann to get the message");
  expect(catchUps()).toBeGreaterThan(before);
});

it("a login ended while the bus re-subscribes (its kick lost) is closed with 4401 once the subscription is back", { timeout: 60_000 }, async () => {
  const api = new RouteApi(cluster.route.url);
  const owner = await registerUser(cluster.route.url, "owner");
  const thief = await api.login(owner.userName, TEST_PASSWORD);
  const thiefDevice = await rawDevice(`${gateway.url.replace(/^http/, "ws")}/ws`, thief.token);
  const ownerDevice = await rawDevice(`${gateway.url.replace(/^http/, "ws")}/ws`, owner.token);
  devices.push(thiefDevice, ownerDevice);
  const held = proxy.heldSubscriptions;

  proxy.cut();
  await waitUntil(() => proxy.heldSubscriptions > held, 20_000, "the gateway to subscribe again");
  // The kick to the gateway is published while it is not subscribed: lost. Before the fix the thief's socket stayed
  // open (and received the owner's messages) until its token expired, up to a day later.
  await api.changePassword(owner.token, TEST_PASSWORD, "cim-changed-pass-2");
  await waitUntil(() => thiefDevice.ws.readyState === thiefDevice.ws.CLOSED, 20_000, "the ended login's socket to close");
  expect((await thiefDevice.closed).code).toBe(SessionClose.Revoked);
  expect(ownerDevice.ws.readyState).toBe(ownerDevice.ws.OPEN);
});

it("a member removed while the bus re-subscribes (the removal's event lost) gets no room message sent after the removal", { timeout: 60_000 }, async () => {
  const api = new RouteApi(cluster.route.url);
  const [owner, bob, carol] = [await registerUser(cluster.route.url, "owner"), await registerUser(cluster.route.url, "bob"), await registerUser(cluster.route.url, "carol")];
  const room = await api.createRoom(owner.token, { name: "resubscribed", visibility: "private" });
  for (const member of [bob, carol]) await api.invite(owner.token, room.roomId, member.userId);
  const wsUrl = `${gateway.url.replace(/^http/, "ws")}/ws`;
  const [bobDevice, carolDevice] = [await rawDevice(wsUrl, bob.token), await rawDevice(wsUrl, carol.token)];
  devices.push(bobDevice, carolDevice);
  await api.sendMessage(owner.token, { room: room.roomId, text: "before the cut" });
  await receivedTexts(bobDevice, "before the cut");
  const held = proxy.heldSubscriptions;

  proxy.cut();
  await waitUntil(() => proxy.heldSubscriptions > held, 20_000, "the gateway to subscribe again");
  // The removal's events are published while the gateway is not subscribed: lost. Its commands work, so before the
  // fix the catch-up (and the room poll) read the room for bob's session before his rooms were read again.
  await api.removeMember(owner.token, room.roomId, bob.userId);
  await api.sendMessage(owner.token, { room: room.roomId, text: "after the removal" });
  // A new device of bob's logs in meanwhile, naming the room with what it has seen: the gateway still counts bob a
  // member, and before the fix its replay read the room to its end.
  const seen = bobDevice.messages().find((m) => m.text === "before the cut")!.msgId;
  const resyncs = () => gateway.process.output().split("bus resubscribed").length;
  const resyncsBefore = resyncs();
  const newDevice = await rawDevice(wsUrl, bob.token, { rooms: [{ room: room.roomId, after: seen }] });
  // And one of carol's, still a member: it gets the message once the memberships are current, once.
  const carolsNew = await rawDevice(wsUrl, carol.token, { rooms: [{ room: room.roomId, after: seen }] });
  devices.push(newDevice, carolsNew);
  expect(resyncs(), "the new devices logged in while the bus was still re-subscribing").toBe(resyncsBefore);
  await receivedTexts(carolDevice, "after the removal");
  await api.sendMessage(owner.token, { to: bob.userId, text: "barrier" });
  expect(await receivedTexts(bobDevice, "barrier")).toEqual(["before the cut", "barrier"]);
  expect(await receivedTexts(newDevice, "barrier")).toEqual(["barrier"]);
  await api.sendMessage(owner.token, { to: carol.userId, text: "barrier" });
  expect(await receivedTexts(carolsNew, "barrier")).toEqual(["after the removal", "barrier"]);
});

/** A TCP proxy to Redis that holds every (P)SUBSCRIBE a client sends for SUBSCRIBE_DELAY_MS, in order. */
class SlowSubscribeProxy {
  heldSubscriptions = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, private readonly targetPort: number) {
    server.on("connection", (client) => this.accept(client));
  }

  static async start(targetPort: number): Promise<SlowSubscribeProxy> {
    const proxy = new SlowSubscribeProxy(createServer(), targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Cuts every connection through the proxy, as a network blip or a Redis restart does. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  close(): void {
    this.cut();
    this.server.close();
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => this.sockets.delete(socket));
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    upstream.on("data", (chunk) => client.write(chunk));
    // Chunks from the client keep their order: a held SUBSCRIBE holds what comes after it too.
    let queue = Promise.resolve();
    client.on("data", (chunk) => {
      const hold = /subscribe/i.test(chunk.toString("latin1"));
      if (hold) this.heldSubscriptions++;
      queue = queue.then(async () => {
        if (hold) await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_DELAY_MS));
        if (!upstream.destroyed) upstream.write(chunk);
      });
    });
  }
}
