// A token works on every gateway: the limits on one user's sockets (CIM_MAX_SESSIONS_PER_USER) and logins
// (CIM_WS_LOGINS_*) hold for all gateways together, not for each (a user going straight to N gateways got N times
// each). A device whose gateway was killed comes back on another at once, though the dead gateway's sockets count until
// route releases them. Real Redis, ZooKeeper, route and two gateway processes, default limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { user as userKeys } from "@cim/state";
import { RouteApi } from "@cim/client";
import { openRaw, registerUser, TEST_PASSWORD, type RawSocket } from "./test-support.js";

let cluster: Cluster;
let redis: Redis;
/** The defaults of CIM_MAX_SESSIONS_PER_USER, CIM_WS_LOGINS_BURST_PER_USER and CIM_WS_LOGINS_PER_SEC_PER_USER. */
const SESSIONS = 10;
const BURST = 30;
const PER_SEC = 1;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
  redis = new Redis(cluster.env.REDIS_URL!);
});
afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

const wsUrl = (gateway: number) => `ws://127.0.0.1:${cluster.gateways[gateway]!.port}/ws`;

interface Attempt {
  socket: RawSocket;
  accepted: boolean;
  error?: string;
  message?: string;
  close?: number;
}

/** Opens a socket on `gateway` and logs in with `token`: whether it got its LoginAck, else the Error and the close. */
async function attempt(gateway: number, token: string): Promise<Attempt> {
  const socket = await openRaw(wsUrl(gateway));
  socket.send({ kind: "login", body: { token } });
  await waitUntil(() => socket.frames.some((f) => f.kind === "loginAck" || f.kind === "error"), 20_000, "a LoginAck or an Error");
  const error = socket.frames.find((f) => f.kind === "error");
  if (!error) return { socket, accepted: true };
  return { socket, accepted: false, error: error.body.code, message: error.body.message, close: (await socket.closed).code };
}

describe("one user's sockets and logins on two gateways", () => {
  it("refuses a socket beyond CIM_MAX_SESSIONS_PER_USER on all gateways together, and admits it once one closed", { timeout: 60_000 }, async () => {
    const owner = await registerUser(cluster.route.url, "many");
    const other = await new RouteApi(cluster.route.url).login(owner.userName, TEST_PASSWORD);
    const first = await Promise.all(Array.from({ length: SESSIONS }, () => attempt(0, owner.token)));
    expect(first.map((a) => a.accepted)).toEqual(Array(SESSIONS).fill(true));
    // Another device (login) of the user, logged in at route first (route admits no login past 10 sockets). Before: the
    // second gateway admitted 10 more (100 on ten gateways).
    const beyond = await attempt(1, other.token);
    expect({ ...beyond, socket: undefined }).toEqual({ socket: undefined, accepted: false, error: "rate_limited", message: `this user has ${SESSIONS} sessions on all gateways together already`, close: 4429 });
    first[0]!.socket.ws.close();
    const counted = async () => (await redis.hvals(userKeys.gateways(owner.userId))).reduce((sum, n) => sum + Number(n), 0);
    await waitUntil(async () => (await counted()) === SESSIONS - 1, 10_000, "the user's sessions counted down to 9");
    const admitted = await attempt(1, other.token);
    expect(admitted.accepted).toBe(true);
    for (const a of [...first, admitted]) a.socket.ws.close();
  });

  it("admits exactly CIM_MAX_SESSIONS_PER_USER of many logins of one user sent at the same moment to two gateways", { timeout: 60_000 }, async () => {
    const owner = await registerUser(cluster.route.url, "rush");
    // Two devices (logins), one on each gateway: a login on two gateways would count once.
    const second = await new RouteApi(cluster.route.url).login(owner.userName, TEST_PASSWORD);
    const attempts = await Promise.all(Array.from({ length: 2 * SESSIONS }, (_, i) => attempt(i % 2, i % 2 ? second.token : owner.token)));
    // Before: each gateway read the other's count before it was written, and let up to 10 in of its own (20).
    expect(attempts.filter((a) => a.accepted).length).toBe(SESSIONS);
    for (const a of attempts.filter((a) => !a.accepted)) expect({ ...a, socket: undefined }).toMatchObject({ error: "rate_limited", close: 4429 });
    const counted = async () => (await redis.hvals(userKeys.gateways(owner.userId))).reduce((sum, n) => sum + Number(n), 0);
    await waitUntil(async () => (await counted()) === SESSIONS, 10_000, "the user's 10 sessions written");
    // Every admitted login's place went from reserved to written; none of a refused one stays.
    expect(await redis.zcard(userKeys.pendingLogins(owner.userId))).toBe(0);
    for (const a of attempts) a.socket.ws.close();
    await Promise.all(attempts.map((a) => a.socket.closed));
  });

  it("counts a loop of logins alternating between gateways in one budget", { timeout: 60_000 }, async () => {
    const flapper = await registerUser(cluster.route.url, "flap2");
    const started = Date.now();
    const outcomes: Array<Omit<Attempt, "socket">> = [];
    for (let i = 0; i < 2 * BURST; i++) {
      const { socket, ...outcome } = await attempt(i % 2, flapper.token);
      outcomes.push(outcome);
      socket.ws.close();
      await socket.closed;
    }
    const seconds = (Date.now() - started) / 1000;
    const accepted = outcomes.filter((o) => o.accepted).length;
    // Before: each gateway admitted its own 30 at once, all 60 of the loop.
    expect(outcomes.slice(0, BURST).every((o) => o.accepted)).toBe(true);
    expect(accepted).toBeLessThanOrEqual(BURST + Math.ceil(seconds * PER_SEC) + 1);
    const refused = outcomes.filter((o) => !o.accepted);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) expect(o).toMatchObject({ accepted: false, error: "rate_limited", close: 4429 });
  });

  // Last: it kills the second gateway.
  it("admits every device of a user at the cap whose gateway was killed on the other gateway at once, and no socket more", { timeout: 60_000 }, async () => {
    const owner = await registerUser(cluster.route.url, "killed");
    const api = new RouteApi(cluster.route.url);
    // Ten devices, each its own login: five on each gateway.
    const tokens = [owner.token, ...(await Promise.all(Array.from({ length: SESSIONS - 1 }, () => api.login(owner.userName, TEST_PASSWORD)))).map((l) => l.token)];
    const devices = await Promise.all(tokens.map((token, i) => attempt(i < SESSIONS / 2 ? 0 : 1, token)));
    expect(devices.map((d) => d.accepted)).toEqual(Array(SESSIONS).fill(true));
    await cluster.gateways[1]!.stop("SIGKILL");
    await Promise.all(devices.slice(SESSIONS / 2).map((d) => d.socket.closed));
    // Before ZooKeeper drops the dead gateway (6 s here), its five sockets still count.
    const moved = await Promise.all(tokens.slice(SESSIONS / 2).map((token) => attempt(0, token)));
    // Before (sockets counted, not logins): the five moved devices were refused while the dead gateway's counted.
    expect(moved.map((d) => d.accepted)).toEqual(Array(SESSIONS / 2).fill(true));
    const second = await attempt(0, tokens[0]!);
    expect({ ...second, socket: undefined }).toMatchObject({ accepted: false, error: "rate_limited", close: 4429 });
    for (const d of [...devices.slice(0, SESSIONS / 2), ...moved]) d.socket.ws.close();
  });
});
