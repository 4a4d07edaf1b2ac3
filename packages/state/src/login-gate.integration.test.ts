// LoginGate against a real redis-server: a user's sockets and login rate counted on every gateway together.
import { describe, expect, it } from "vitest";
import { user } from "./keys.js";
import { LoginGate, type LoginVerdict } from "./login-gate.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";
import { waitUntil } from "@cim/devstack";

const h = useRedis();
const limits = { maxSessions: 4, loginsPerSec: 1, loginsBurst: 3 };
const none = new Map<string, number>();

/** The place an admitted login holds. */
function reservationOf(verdict: LoginVerdict): string {
  if (!verdict.admitted) throw new Error(`not admitted: ${JSON.stringify(verdict)}`);
  return verdict.reservation;
}

describe("logins of a user on all gateways", () => {
  it("counts the user's sockets on other gateways against the cap, the caller's own from its count", async () => {
    const sessions = new SessionStore(h.redis);
    const [a, b] = [new LoginGate(h.redis, "gw-a", { ...limits, loginsBurst: 100 }), new LoginGate(h.redis, "gw-b", { ...limits, loginsBurst: 100 })];
    await sessions.setSessions("5", "gw-a", 3, new Map([["s1", 2], ["s2", 1]]));
    // gw-a's own fields are not read: it passes its count, here one socket fewer than Redis says.
    const stale = await a.admit("5", "s3", new Map([["s1", 2]]));
    expect(stale).toMatchObject({ admitted: true, counted: 2 });
    await a.release("5", reservationOf(stale));
    const onB = await b.admit("5", "s3", none);
    expect(onB).toMatchObject({ admitted: true, counted: 3 });
    await sessions.setSessions("5", "gw-b", 1, new Map([["s3", 1]]), [reservationOf(onB)]);
    expect(await b.admit("5", "s4", new Map([["s3", 1]]))).toEqual({ admitted: false, reason: "sessions", counted: 4 });
    expect(await a.admit("5", "s4", new Map([["s1", 2], ["s2", 1]]))).toEqual({ admitted: false, reason: "sessions", counted: 4 });
    await sessions.setSessions("5", "gw-a", 2, new Map([["s1", 2]]));
    expect(await b.admit("5", "s4", new Map([["s3", 1]]))).toMatchObject({ admitted: true, counted: 3 });
    // A release of the gateway (route, or its last socket closed) takes its logins out too.
    await sessions.release("5", "gw-a");
    expect(await h.redis.hgetall(user.logins("5"))).toEqual({ "gw-b s3": "1" });
  });

  it("counts a login on two gateways once: the devices of a dead gateway, still counted there, come back elsewhere", async () => {
    const sessions = new SessionStore(h.redis);
    const alive = new LoginGate(h.redis, "gw-alive", { ...limits, loginsBurst: 100 });
    // Four devices at the cap: two on each gateway; gw-dead is killed, its counts stay until route releases it.
    await sessions.setSessions("6", "gw-dead", 2, new Map([["d1", 1], ["d2", 1]]));
    await sessions.setSessions("6", "gw-alive", 2, new Map([["d3", 1], ["d4", 1]]));
    const here = new Map([["d3", 1], ["d4", 1]]);
    // The moved devices' sockets are in the count sent (here) while their places are still reserved: held, not counted twice.
    const d1 = await alive.admit("6", "d1", here);
    expect(d1).toMatchObject({ admitted: true, counted: 4 });
    here.set("d1", 1);
    const d2 = await alive.admit("6", "d2", here, [reservationOf(d1)]);
    expect(d2).toMatchObject({ admitted: true, counted: 4 });
    here.set("d2", 1);
    const held = [reservationOf(d1), reservationOf(d2)];
    // A fifth device is not let in, nor a login's second socket on the same gateway.
    expect(await alive.admit("6", "d5", here, held)).toMatchObject({ admitted: false, reason: "sessions" });
    expect(await alive.admit("6", "d1", here, held)).toMatchObject({ admitted: false, reason: "sessions" });
  });

  it("lets one login spread over gateways only one socket further than the cap", async () => {
    const gates = ["g1", "g2", "g3", "g4", "g5", "g6"].map((id) => new LoginGate(h.redis, id, { ...limits, loginsBurst: 100 }));
    const sessions = new SessionStore(h.redis);
    const admitted: string[] = [];
    for (const [i, gate] of gates.entries()) {
      const verdict = await gate.admit("7", "thief", none);
      if (verdict.admitted) {
        admitted.push(`g${i + 1}`);
        await sessions.setSessions("7", `g${i + 1}`, 1, new Map([["thief", 1]]), [verdict.reservation]);
      }
    }
    expect(admitted).toEqual(["g1", "g2", "g3", "g4", "g5"]);
  });

  it("shares one bucket of logins between gateways, refilled at the rate, and lets the key expire", async () => {
    const [a, b] = [new LoginGate(h.redis, "gw-a", limits), new LoginGate(h.redis, "gw-b", limits)];
    const verdicts = [await a.admit("8", "s", none), await b.admit("8", "s", none), await a.admit("8", "s", none), await b.admit("8", "s", none)];
    expect(verdicts.map((v) => v.admitted)).toEqual([true, true, true, false]);
    const refused = verdicts[3]!;
    if (refused.admitted || refused.reason !== "rate") throw new Error(`not refused for its rate: ${JSON.stringify(refused)}`);
    expect(refused.retryMs).toBeGreaterThan(0);
    expect(refused.retryMs).toBeLessThanOrEqual(1000);
    // Another user has its own bucket.
    expect(await b.admit("9", "s", none)).toMatchObject({ admitted: true });
    const ttl = await h.redis.pttl(user.wsLogins("8"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(4000);
  });

  it("admits exactly the cap of many logins at the same moment on two gateways, and gives a failed one's place back", async () => {
    const sessions = new SessionStore(h.redis);
    const [a, b] = [new LoginGate(h.redis, "gw-a", { ...limits, loginsBurst: 100 }), new LoginGate(h.redis, "gw-b", { ...limits, loginsBurst: 100 })];
    // Forty logins of user 10, each its own device, twenty on each gateway, none yet written as a session.
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? b : a).admit("10", `d${i}`, none)));
    const admitted = verdicts.flatMap((v, i) => (v.admitted ? [{ i, reservation: v.reservation }] : []));
    // Before (counting written sockets only): all 40 passed.
    expect(admitted.length).toBe(limits.maxSessions);
    // One admitted login fails before its socket is written: its place is given back, and one more is let in.
    await a.release("10", admitted[0]!.reservation);
    expect(await b.admit("10", "late", none)).toMatchObject({ admitted: true });
    expect(await a.admit("10", "later", none)).toMatchObject({ admitted: false, reason: "sessions", counted: 4 });
    // A write of the sessions that counts a socket takes its reservation in the same step: counted once, not twice.
    const [, second] = admitted;
    const gateway = second!.i % 2 ? "gw-b" : "gw-a";
    await sessions.setSessions("10", gateway, 1, new Map([[`d${second!.i}`, 1]]), [second!.reservation]);
    expect(await h.redis.zscore(user.pendingLogins("10"), second!.reservation)).toBeNull();
    expect(await a.admit("10", "later", none)).toMatchObject({ admitted: false, reason: "sessions", counted: 4 });
  });

  it("lets a reservation lapse: the place of a gateway that died mid-login comes back", async () => {
    const gate = new LoginGate(h.redis, "gw-a", { ...limits, maxSessions: 1, loginsBurst: 100, reserveMs: 200 });
    expect(await gate.admit("11", "dead", none)).toMatchObject({ admitted: true });
    expect(await gate.admit("11", "next", none)).toMatchObject({ admitted: false, reason: "sessions" });
    await waitUntil(async () => (await gate.admit("11", "next", none)).admitted, 5_000, "the lapsed place given back");
  });
});
