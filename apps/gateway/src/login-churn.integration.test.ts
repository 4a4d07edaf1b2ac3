// Logins of one user on one gateway are limited by rate: a client opening and closing its only session in a loop
// (loopback is exempt from the per-address connect rate) wrote the user's session count to Redis and published its
// presence on the bus at every turn. Past the burst a login is answered Error{rate_limited} and closed with 4429;
// every session of a user reconnecting at once (a gateway killed, a network change) is never refused.
// Real Redis, ZooKeeper, route and gateway processes, default limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { user as userKeys } from "@cim/state";
import { openRaw, registerUser, type RawSocket } from "./test-support.js";

let cluster: Cluster;
let redis: Redis;
/** The defaults of CIM_WS_LOGINS_BURST_PER_USER and CIM_WS_LOGINS_PER_SEC_PER_USER. */
const BURST = 30;
const PER_SEC = 1;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
  redis = new Redis(cluster.env.REDIS_URL!);
});
afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

const wsUrl = () => `ws://127.0.0.1:${cluster.gateways[0]!.port}/ws`;

/** Opens a socket and logs in with `token`: the socket and whether it got its LoginAck (else the Error it got). */
async function attempt(token: string): Promise<{ socket: RawSocket; accepted: boolean; error?: string; close?: number }> {
  const socket = await openRaw(wsUrl());
  socket.send({ kind: "login", body: { token } });
  await waitUntil(() => socket.frames.some((f) => f.kind === "loginAck" || f.kind === "error"), 20_000, "a LoginAck or an Error");
  const error = socket.frames.find((f) => f.kind === "error");
  if (!error) return { socket, accepted: true };
  return { socket, accepted: false, error: error.body.code, close: (await socket.closed).code };
}

describe("logins of one user on a gateway", () => {
  it("refuses a loop of opening and closing the only session past its burst with rate_limited and 4429, and stops writing and publishing its presence for each", { timeout: 60_000 }, async () => {
    const flapper = await registerUser(cluster.route.url, "flap");
    // Every presence publication about the flapper, on whichever bucket channel it goes.
    const listener = redis.duplicate();
    let published = 0;
    listener.on("pmessage", (_pattern, _channel, message: string) => {
      if ((JSON.parse(message) as { userId?: string }).userId === flapper.userId) published++;
    });
    await listener.psubscribe("cim-bus:presence:*");
    const started = Date.now();
    const outcomes: Array<{ accepted: boolean; error?: string; close?: number }> = [];
    for (let i = 0; i < 3 * BURST; i++) {
      const { socket, ...outcome } = await attempt(flapper.token);
      outcomes.push(outcome);
      socket.ws.close();
      await socket.closed;
    }
    const seconds = (Date.now() - started) / 1000;
    const accepted = outcomes.filter((o) => o.accepted).length;
    const refused = outcomes.filter((o) => !o.accepted);
    // Before: all 90 logged in, each a count write and a presence publication, each close another.
    expect(outcomes.slice(0, BURST).every((o) => o.accepted)).toBe(true);
    expect(accepted).toBeLessThanOrEqual(BURST + Math.ceil(seconds * PER_SEC) + 1);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) expect(o).toEqual({ accepted: false, error: "rate_limited", close: 4429 });
    // The bus carried at most an online and an offline per login admitted (the damper coalesces what reaches watchers).
    await waitUntil(async () => (await redis.hvals(userKeys.gateways(flapper.userId))).every((count) => Number(count) === 0), 10_000, "the flapper's count back to 0");
    expect(published).toBeLessThanOrEqual(2 * accepted);
    await listener.quit();
  });

  it("admits every session of a user reconnecting at once, twice over (a gateway killed, then a network change)", { timeout: 60_000 }, async () => {
    const user = await registerUser(cluster.route.url, "devices");
    for (let round = 0; round < 2; round++) {
      const devices = await Promise.all(Array.from({ length: 10 }, () => attempt(user.token)));
      expect(devices.map((d) => d.accepted)).toEqual(Array(10).fill(true));
      for (const { socket } of devices) socket.ws.close();
      await Promise.all(devices.map((d) => d.socket.closed));
    }
  });
});
