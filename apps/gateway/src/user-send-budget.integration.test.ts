// The Sends of one user's sessions on one gateway share one budget: several sessions, each within its own frame rate,
// do not multiply what one user stores (sec13: 20 sessions stored 980 messages a second in one room). Real Redis,
// ZooKeeper, route and a gateway with a small rate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ErrorCode } from "@cim/protocol";
import { newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";
import { openRaw, type RawSocket } from "./test-support.js";

const BURST = 10;
let cluster: Cluster;
let ann: RecordingClient;
let bob: RecordingClient;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1, gatewayEnv: { CIM_RATE_PER_SEC: "2", CIM_RATE_BURST: String(BURST) } });
  ann = await newUser(cluster.route.url, "ann");
  bob = await newUser(cluster.route.url, "bob");
});
afterAll(async () => {
  ann?.close();
  bob?.close();
  await cluster?.stop();
});

/** `count` sockets logged in with one token of a fresh user. */
async function sessionsOfOneUser(count: number): Promise<RawSocket[]> {
  const userName = `many-${Math.random().toString(36).slice(2, 8)}`;
  await ann.api.register(userName, "cim-test-pass-1");
  const { token } = await ann.api.login(userName, "cim-test-pass-1");
  return Promise.all(Array.from({ length: count }, async () => {
    const socket = await openRaw(ann.gateway!.wsUrl);
    socket.send({ kind: "login", body: { token } });
    await socket.waitFor("loginAck");
    return socket;
  }));
}

describe("one user's sessions on a gateway", () => {
  it("store at most the frame rate's burst together; the rest is answered unavailable, the sessions stay open", async () => {
    const sockets = await sessionsOfOneUser(3);
    // Each session stays within its own burst (8 < 10): only the user's budget can refuse.
    sockets.forEach((socket, s) => {
      for (let i = 0; i < 8; i++) socket.send({ kind: "send", body: { clientMsgId: `s${s}-${i}`, to: bob.session!.userId, text: `many ${s}-${i}` } });
    });
    const of = (kind: "sendAck" | "error") => sockets.flatMap((socket) => socket.frames.filter((f) => f.kind === kind));
    await waitUntil(() => of("error").length > 0, 10_000, "a Send refused");
    const refused = of("error").map((f) => f.body as { code: string; clientMsgId: string });
    expect(refused.every((error) => error.code === ErrorCode.Unavailable && error.clientMsgId !== "")).toBe(true);
    // The burst, and what the rate (2/s) refilled while the 24 came in.
    expect(of("sendAck").length).toBeLessThanOrEqual(BURST + 2);
    expect(sockets.map((socket) => socket.ws.readyState)).toEqual([WebSocket.OPEN, WebSocket.OPEN, WebSocket.OPEN]);
    await ann.send({ to: bob.session!.userId, text: "another user sends" });
    await bob.waitForText("another user sends");
    for (const socket of sockets) socket.ws.close();
  });
});
