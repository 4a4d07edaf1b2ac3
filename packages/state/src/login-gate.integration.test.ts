// LoginGate against a real redis-server: a user's sockets and login rate counted on every gateway together.
import { describe, expect, it } from "vitest";
import { user } from "./keys.js";
import { LoginGate } from "./login-gate.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();
const limits = { maxSessions: 4, loginsPerSec: 1, loginsBurst: 3 };

describe("logins of a user on all gateways", () => {
  it("counts the user's sessions on other gateways against the cap, its own from the caller", async () => {
    const sessions = new SessionStore(h.redis);
    const [a, b] = [new LoginGate(h.redis, "gw-a", { ...limits, loginsBurst: 100 }), new LoginGate(h.redis, "gw-b", { ...limits, loginsBurst: 100 })];
    await sessions.setSessions("5", "gw-a", 3);
    // gw-a's own field is not read: it passes its count.
    expect(await a.admit("5", 3)).toEqual({ admitted: true, elsewhere: 0 });
    expect(await b.admit("5", 0)).toEqual({ admitted: true, elsewhere: 3 });
    await sessions.setSessions("5", "gw-b", 1);
    expect(await b.admit("5", 1)).toEqual({ admitted: false, reason: "sessions", elsewhere: 3 });
    expect(await a.admit("5", 3)).toEqual({ admitted: false, reason: "sessions", elsewhere: 1 });
    await sessions.setSessions("5", "gw-a", 2);
    expect(await b.admit("5", 1)).toEqual({ admitted: true, elsewhere: 2 });
  });

  it("shares one bucket of logins between gateways, refilled at the rate, and lets the key expire", async () => {
    const [a, b] = [new LoginGate(h.redis, "gw-a", limits), new LoginGate(h.redis, "gw-b", limits)];
    const verdicts = [await a.admit("6", 0), await b.admit("6", 0), await a.admit("6", 0), await b.admit("6", 0)];
    expect(verdicts.map((v) => v.admitted)).toEqual([true, true, true, false]);
    const refused = verdicts[3]!;
    expect(refused).toMatchObject({ admitted: false, reason: "rate" });
    if (refused.admitted || refused.reason !== "rate") throw new Error("not refused for its rate");
    expect(refused.retryMs).toBeGreaterThan(0);
    expect(refused.retryMs).toBeLessThanOrEqual(1000);
    // Another user has its own bucket.
    expect(await b.admit("7", 0)).toMatchObject({ admitted: true });
    const ttl = await h.redis.pttl(user.wsLogins("6"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(4000);
  });
});
