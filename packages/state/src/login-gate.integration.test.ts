// LoginGate against a real redis-server: a user's sockets and login rate counted on every gateway together.
import { describe, expect, it } from "vitest";
import { user } from "./keys.js";
import { LoginGate } from "./login-gate.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const limits = { maxSessions: 4, loginsPerSec: 1, loginsBurst: 3 };
const none = new Map<string, number>();

describe("logins of a user on all gateways", () => {
  it("counts the user's sockets on other gateways against the cap, the caller's own from its count", async () => {
    const sessions = new SessionStore(h.redis);
    const [a, b] = [new LoginGate(h.redis, "gw-a", { ...limits, loginsBurst: 100 }), new LoginGate(h.redis, "gw-b", { ...limits, loginsBurst: 100 })];
    await sessions.setSessions("5", "gw-a", 3, new Map([["s1", 2], ["s2", 1]]));
    // gw-a's own fields are not read: it passes its count, here one socket fewer than Redis says.
    expect(await a.admit("5", "s3", new Map([["s1", 2]]))).toEqual({ admitted: true, counted: 2 });
    expect(await b.admit("5", "s3", none)).toEqual({ admitted: true, counted: 3 });
    await sessions.setSessions("5", "gw-b", 1, new Map([["s3", 1]]));
    expect(await b.admit("5", "s4", new Map([["s3", 1]]))).toEqual({ admitted: false, reason: "sessions", counted: 4 });
    expect(await a.admit("5", "s4", new Map([["s1", 2], ["s2", 1]]))).toEqual({ admitted: false, reason: "sessions", counted: 4 });
    await sessions.setSessions("5", "gw-a", 2, new Map([["s1", 2]]));
    expect(await b.admit("5", "s4", new Map([["s3", 1]]))).toEqual({ admitted: true, counted: 3 });
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
    expect(await alive.admit("6", "d1", here)).toEqual({ admitted: true, counted: 4 });
    here.set("d1", 1);
    expect(await alive.admit("6", "d2", here)).toEqual({ admitted: true, counted: 4 });
    here.set("d2", 1);
    // A fifth device is not let in, nor a login's second socket on the same gateway.
    expect(await alive.admit("6", "d5", here)).toMatchObject({ admitted: false, reason: "sessions" });
    expect(await alive.admit("6", "d1", here)).toMatchObject({ admitted: false, reason: "sessions" });
  });

  it("lets one login spread over gateways only one socket further than the cap", async () => {
    const gates = ["g1", "g2", "g3", "g4", "g5", "g6"].map((id) => new LoginGate(h.redis, id, { ...limits, loginsBurst: 100 }));
    const sessions = new SessionStore(h.redis);
    const admitted: string[] = [];
    for (const [i, gate] of gates.entries()) {
      if ((await gate.admit("7", "thief", none)).admitted) {
        admitted.push(`g${i + 1}`);
        await sessions.setSessions("7", `g${i + 1}`, 1, new Map([["thief", 1]]));
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
});
