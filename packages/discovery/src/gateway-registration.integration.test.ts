// GatewayRegistration against a real ZooKeeper: the node, its owner, re-registration after expiry, stale nodes.
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { waitUntil } from "@cim/devstack";
import { GATEWAYS_PATH, GATEWAY_NODE_PREFIX, type GatewayInfo } from "./gateway-info.js";
import { GatewayRegistration } from "./gateway-registration.js";
import { useZookeeper } from "./test-harness.js";
import { CreateMode, zk } from "./zk-session.js";

const h = useZookeeper();

const info = (id: string): Required<GatewayInfo> => ({
  id,
  wsUrl: `ws://127.0.0.1:9/${id}`,
  startedAt: Date.now(),
  instance: randomUUID(),
});

describe("GatewayRegistration", () => {
  it("creates one ephemeral sequential node with the gateway's JSON, owned by its session, and deletes it on stop", async () => {
    const session = await h.session();
    const gateway = info("gw-a");
    const registered: string[] = [];
    const registration = new GatewayRegistration(session, gateway, { onRegistered: (path) => registered.push(path) });
    const path = await registration.start();
    expect(path).toMatch(new RegExp(`^${GATEWAYS_PATH}/${GATEWAY_NODE_PREFIX}\\d{10}$`));
    expect(registration.nodePath).toBe(path);
    expect(registered).toEqual([path]);
    const nodes = await h.gatewayNodes();
    expect(nodes).toEqual([{ name: path!.split("/").pop(), data: JSON.stringify(gateway), owner: session.sessionId() }]);

    await registration.stop();
    expect(registration.nodePath).toBeNull();
    expect(await h.gatewayNodes()).toEqual([]);
  });

  it("after its session expires it registers again under the new session, and the old node is gone", async () => {
    const states: string[] = [];
    const session = await h.session({ onState: (state) => states.push(state) });
    const registered: string[] = [];
    const registration = new GatewayRegistration(session, info("gw-a"), { onRegistered: (path) => registered.push(path) });
    const first = await registration.start();
    const firstOwner = session.sessionId();

    await h.expire(session);
    await waitUntil(() => registered.length === 2, 20_000, "a second registration");
    expect(states).toContain("expired");
    expect(registration.nodePath).toBe(registered[1]);
    expect(registered[1]).not.toBe(first);
    const nodes = await h.gatewayNodes();
    expect(nodes.map((n) => `${GATEWAYS_PATH}/${n.name}`)).toEqual([registered[1]]);
    expect(nodes[0]!.owner).toBe(session.sessionId());
    expect(nodes[0]!.owner).not.toBe(firstOwner);
  });

  it("registers again after ZooKeeper held its reconnections unanswered (a server frozen or still starting)", async () => {
    const states: string[] = [];
    const session = await h.session({ onState: (state) => states.push(state) });
    const registered: string[] = [];
    const registration = new GatewayRegistration(session, info("gw-a"), { onRegistered: (path) => registered.push(path) });
    await registration.start();

    h.hang(session);
    // Disconnected a session timeout long: a new client is made, and its connection is held unanswered too.
    await waitUntil(() => states.includes("expired"), 20_000, "the session to be given up");
    h.restore(session);
    // Before the fix the new client waited on its held connection for ever: never connected, never registered.
    await waitUntil(() => registered.length === 2, 30_000, "a second registration");
    expect(session.state).toBe("connected");
    expect((await h.gatewayNodes()).map((n) => n.owner)).toEqual([session.sessionId()]);
  });

  it("adopts a node of its own that the current session already created (a create lost to CONNECTION_LOSS)", async () => {
    const session = await h.session();
    const gateway = info("gw-a");
    const made = await new Promise<string>((resolve, reject) =>
      session.onSession((client) => {
        const data = Buffer.from(JSON.stringify(gateway));
        zk.mkdirp(client, GATEWAYS_PATH)
          .then(() => zk.create(client, `${GATEWAYS_PATH}/${GATEWAY_NODE_PREFIX}`, data, CreateMode.EPHEMERAL_SEQUENTIAL))
          .then(resolve, reject);
      }),
    );
    const registration = new GatewayRegistration(session, gateway);
    expect(await registration.start()).toBe(made);
    expect((await h.gatewayNodes()).length).toBe(1);
  });

  it("ignores nodes of other gateways and other instances", async () => {
    const other = await h.session();
    const neighbour = new GatewayRegistration(other, info("gw-b"));
    await neighbour.start();
    const session = await h.session();
    const mine = new GatewayRegistration(session, info("gw-a"));
    await mine.start();
    expect((await h.gatewayNodes()).map((n) => JSON.parse(n.data).id).sort()).toEqual(["gw-a", "gw-b"]);
  });

  it("deletes a node of its own left by an older session (ephemeralOwner differs) and creates one under the current session", async () => {
    const gateway = info("gw-a");
    // The older session: the node of this instance that it made is still there (its expiry not yet applied).
    const older = await h.client();
    await zk.mkdirp(older, GATEWAYS_PATH);
    const stale = await zk.create(
      older,
      `${GATEWAYS_PATH}/${GATEWAY_NODE_PREFIX}`,
      Buffer.from(JSON.stringify(gateway)),
      CreateMode.EPHEMERAL_SEQUENTIAL,
    );
    const session = await h.session();
    const registration = new GatewayRegistration(session, gateway);
    const path = await registration.start();
    expect(path).not.toBe(stale);
    const nodes = await h.gatewayNodes();
    expect(nodes.map((n) => `${GATEWAYS_PATH}/${n.name}`)).toEqual([path]);
    expect(nodes[0]!.owner).toBe(session.sessionId());
  });

  it("stopped while registering: start settles with null and no node is left behind", async () => {
    const session = await h.session();
    for (let i = 0; i < 5; i++) {
      const registration = new GatewayRegistration(session, info(`gw-${i}`));
      const started = registration.start();
      await registration.stop();
      expect(await started).toBeNull();
      expect(registration.nodePath).toBeNull();
    }
    expect(await h.gatewayNodes()).toEqual([]);
  });

  it("stop returns while ZooKeeper is unreachable (the node goes with the session)", async () => {
    const session = await h.session({ callTimeoutMs: 2_000 });
    const registration = new GatewayRegistration(session, info("gw-a"));
    await registration.start();
    h.partition(session);
    const before = Date.now();
    await registration.stop();
    expect(Date.now() - before).toBeLessThan(10_000);
  });
});
