// The presence lists of one user's sessions on a gateway are read within one budget of users per second: 20 sessions
// each re-sending lists of 500 users made Redis read 20 lists at once, over and over (the bound was per session).
// Real Redis, ZooKeeper, route and a gateway with a small budget; Redis' own command counts show the work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RouteApi } from "@cim/client";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import type { Frame, Presence } from "@cim/protocol";
import { rawDevice, registerUser, type RawDevice } from "./test-support.js";

const IDS_PER_SEC = 2_000;
const IDS_BURST = 2_000;
const SESSIONS = 20;
const LISTS_PER_SESSION = 20;
const LIST = 500;

let cluster: Cluster;
let redis: Redis;
const sockets: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 1,
    gatewayEnv: { CIM_PRESENCE_IDS_PER_SEC_PER_USER: String(IDS_PER_SEC), CIM_PRESENCE_IDS_BURST_PER_USER: String(IDS_BURST), CIM_MAX_SESSIONS_PER_USER: String(SESSIONS) },
  });
  redis = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  redis?.disconnect();
  await cluster?.stop();
});

const wsUrl = () => `ws://127.0.0.1:${cluster.gateways[0]!.port}/ws`;
const presences = (socket: RawDevice): Presence[] =>
  socket.frames.flatMap((f: Frame) => (f.kind === "presence" ? [f.body] : f.kind === "presenceBatch" ? f.body.presences : []));
/** Users looked up in Redis so far: a presence answer reads each listed user's account (one HMGET each). */
const usersRead = async () => Number(/cmdstat_hmget:calls=(\d+)/.exec(await redis.info("commandstats"))?.[1] ?? 0);

describe("presence lists of one user's many sessions", () => {
  it("are read within the user's budget, each session's newest list is answered, and another user's list is not held up", async () => {
    const [attacker, carol, bob] = await Promise.all([registerUser(cluster.route.url, "many"), registerUser(cluster.route.url, "carol"), registerUser(cluster.route.url, "bob")]);
    const devices = await Promise.all(Array.from({ length: SESSIONS }, () => rawDevice(wsUrl(), attacker.token)));
    const bobs = await rawDevice(wsUrl(), bob.token);
    sockets.push(...devices, bobs);
    // Lists of 500 users without accounts (each read all the same); only each session's last one names carol.
    const list = (session: number, n: number) => {
      const ids = Array.from({ length: LIST }, (_, i) => String(1_000_000 + (session * LISTS_PER_SESSION + n) * LIST + i));
      if (n === LISTS_PER_SESSION - 1) ids[0] = carol.userId;
      return ids;
    };
    const before = await usersRead();
    const started = Date.now();
    for (let n = 0; n < LISTS_PER_SESSION; n++) devices.forEach((device, s) => device.send({ kind: "presenceSubscribe", body: { userIds: list(s, n) } }));
    bobs.send({ kind: "presenceSubscribe", body: { userIds: [carol.userId] } });
    await waitUntil(() => presences(bobs).some((p) => p.userId === carol.userId), 10_000, "bob's answer");
    await waitUntil(() => devices.every((device) => presences(device).some((p) => p.userId === carol.userId)), 60_000, "every session's newest list answered");
    const elapsedSec = (Date.now() - started) / 1000;
    const read = (await usersRead()) - before;
    // 400 lists of 500 (200,000 users) were sent. Each session reads one list at a time (the newest waiting), so
    // without the user's budget every session read its first list and then its newest at least: 20,000 users or more
    // at once. The budget lets the user's sessions read its burst and then its rate: bob's one user besides.
    expect(read).toBeLessThanOrEqual(IDS_BURST + IDS_PER_SEC * elapsedSec + 1);
    for (const device of devices) {
      expect(device.frames.filter((f) => f.kind === "presenceBatch").at(-1)).toEqual({ kind: "presenceBatch", body: { presences: [{ userId: carol.userId, userName: carol.userName, online: false }] } });
      expect(device.ws.readyState).toBe(device.ws.OPEN);
    }
  });

  it("re-answered after an unblock, they are read within their user's budget too: another user toggling a block cannot make them read again and again", async () => {
    const [victim, attacker] = await Promise.all([registerUser(cluster.route.url, "victim"), registerUser(cluster.route.url, "toggler")]);
    const devices = await Promise.all(Array.from({ length: 5 }, () => rawDevice(wsUrl(), victim.token)));
    sockets.push(...devices);
    // Each session watches 500 users, the attacker among them: each unblock answers such a list again.
    devices.forEach((device, s) => device.send({ kind: "presenceSubscribe", body: { userIds: [attacker.userId, ...Array.from({ length: LIST - 1 }, (_, i) => String(5_000_000 + s * LIST + i))] } }));
    await waitUntil(() => devices.every((device) => presences(device).some((p) => p.userId === attacker.userId)), 20_000, "the first answers");
    // Their budget refills (the first answers took 2,500 of it).
    await new Promise((resolve) => setTimeout(resolve, (1_000 * IDS_BURST) / IDS_PER_SEC + 200));
    const api = new RouteApi(cluster.route.url);
    const before = await usersRead();
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      await api.block(attacker.token, victim.userId);
      await api.unblock(attacker.token, victim.userId);
    }
    const unblocked = devices.map((device) => device.frames.length);
    // Each session is answered once more after the last unblock: the attacker's state is theirs to see again.
    await waitUntil(() => devices.every((device, d) => device.frames.slice(unblocked[d]).some((f) => f.kind === "presenceBatch" && f.body.presences.some((p) => p.userId === attacker.userId))), 30_000, "the answers after the last unblock");
    const elapsedSec = (Date.now() - started) / 1000;
    // Unpaced, 20 unblocks re-read the 5 lists of 500 up to 20 times each (50,000 users).
    expect((await usersRead()) - before).toBeLessThanOrEqual(IDS_BURST + IDS_PER_SEC * elapsedSec);
  });
});
