// ZooKeeper down (route cannot hear of a gateway's death): a gateway killed meanwhile has its users released once
// its lease in Redis has lapsed long enough; one frozen for a short while is never released; one frozen longer is
// released and, back, claims its users again; one that declared a longer lease than route's own is judged by its own.
// Route and three gateways as processes on real Redis and ZooKeeper.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RouteApi, type LoginAnswer } from "@cim/client";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { decodeFrame, encodeFrame } from "@cim/protocol";

const LEASE_MS = 1_500;
/** The lease the third gateway declares, four times route's: route must judge it by this one. */
const LONG_LEASE_MS = 6_000;
const PASSWORD = "cim-test-pass-1";

let cluster: Cluster;
let api: RouteApi;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2, env: { CIM_GATEWAY_LEASE_MS: String(LEASE_MS) } });
  cluster.gateways.push(await cluster.startGateway("gw-long", { CIM_GATEWAY_LEASE_MS: String(LONG_LEASE_MS) }));
  api = new RouteApi(cluster.route.url);
});
afterAll(async () => {
  for (const gateway of cluster?.gateways ?? []) gateway.process.child.kill("SIGCONT");
  for (const socket of sockets) socket.terminate();
  await cluster?.stop();
});

async function user(name: string): Promise<LoginAnswer> {
  const userName = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  await api.register(userName, PASSWORD);
  return api.login(userName, PASSWORD);
}

/** Logs `login` in on gateway `index` with a raw socket that answers nothing but keeps pinging (never idle). */
async function session(login: LoginAnswer, index: number): Promise<void> {
  const ws = new WebSocket(`${cluster.gateways[index]!.url.replace(/^http/, "ws")}/ws`);
  sockets.push(ws);
  ws.on("error", () => undefined);
  let acked = false;
  ws.on("message", (data) => void (acked ||= decodeFrame(data as Buffer).kind === "loginAck"));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  ws.send(encodeFrame({ kind: "login", body: { token: login.token } }));
  await waitUntil(() => acked, 10_000, "a LoginAck");
  const pings = setInterval(() => ws.readyState === ws.OPEN && ws.send(encodeFrame({ kind: "ping", body: { ts: Date.now() } })), 1_000);
  ws.on("close", () => clearInterval(pings));
}

let watcher: LoginAnswer;
const online = async (login: LoginAnswer) => (await api.lastSeen(watcher.token, [login.userId])).users[0]?.online === true;

describe("gateways gone silent while ZooKeeper cannot tell", () => {
  let dave: LoginAnswer;
  let ann: LoginAnswer;
  let eve: LoginAnswer;

  beforeAll(async () => {
    watcher = await user("watcher");
    dave = await user("dave");
    ann = await user("ann");
    eve = await user("eve");
    await session(dave, 0);
    await session(ann, 1);
    await session(eve, 2);
    await waitUntil(async () => (await online(dave)) && (await online(ann)) && (await online(eve)), 10_000, "dave, ann and eve online");
    // Route reads each gateway's declared lease once while ZooKeeper still tells.
    await waitUntil(() => cluster.route.process.output().includes("a gateway declares a lease other than route's own"), 10_000, "route to read gw-long's lease");
    await cluster.zookeeper.stop("SIGKILL");
    await waitUntil(() => cluster.route.process.output().includes("ZooKeeper disconnected"), 10_000, "route to lose ZooKeeper");
  });

  it("a gateway frozen for less than two leases is never released", async () => {
    const frozen = cluster.gateways[0]!.process.child;
    frozen.kill("SIGSTOP");
    // The lease lapses for about half a lease: less than the lease route waits on top of it, with room for a slow machine.
    const until = Date.now() + (4 * LEASE_MS) / 3;
    try {
      while (Date.now() < until) {
        expect(await online(dave)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      frozen.kill("SIGCONT");
    }
    const end = Date.now() + 3 * LEASE_MS;
    while (Date.now() < end) {
      expect(await online(dave)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("a gateway that declared a longer lease than route's own is not released while frozen for less than two of its leases", async () => {
    const frozen = cluster.gateways[2]!.process.child;
    frozen.kill("SIGSTOP");
    // Its lease lapses 4.8-6 s in; judged by route's own 1.5 s it was released by about 8 s, by its own not before 10.8 s.
    const until = Date.now() + 9_300;
    try {
      while (Date.now() < until) {
        expect(await online(eve)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      frozen.kill("SIGCONT");
    }
    const end = Date.now() + 2 * LEASE_MS;
    while (Date.now() < end) {
      expect(await online(eve)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("a gateway frozen longer is released, and claims its users again once it runs", async () => {
    const frozen = cluster.gateways[0]!.process.child;
    frozen.kill("SIGSTOP");
    try {
      await waitUntil(async () => !(await online(dave)), 8 * LEASE_MS + 5_000, "dave (on the frozen gateway) to be released");
    } finally {
      frozen.kill("SIGCONT");
    }
    await waitUntil(() => online(dave), 4 * LEASE_MS + 5_000, "dave to be claimed again once his gateway runs");
    expect(cluster.gateways[0]!.process.output()).toContain("claiming them again");
    // Still claimed a while later: route's own request to claim again does not undo it.
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    expect(await online(dave)).toBe(true);
  });

  it("a gateway killed while ZooKeeper is down has its users released; another gateway's stay online", async () => {
    await cluster.gateways[1]!.stop("SIGKILL");
    await waitUntil(async () => !(await online(ann)), 8 * LEASE_MS + 5_000, "ann (on the killed gateway) to be shown offline");
    expect(await online(dave)).toBe(true);
  });
});
