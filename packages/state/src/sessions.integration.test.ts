// SessionStore and its route scripts against a real redis-server: claims, releases, gone gateways, online set.
import { describe, expect, it } from "vitest";
import { keys } from "./keys.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

const members = async (key: string) => (await h.redis.smembers(key)).sort();

describe("claiming a route", () => {
  it("the first claim brings a user online; a claim on another gateway moves the route and the gateway's user set", async () => {
    const sessions = new SessionStore(h.redis);
    expect(await sessions.claim("7", "gw-a")).toEqual({ previousGateway: null, cameOnline: true });
    expect(await sessions.routeOf("7")).toBe("gw-a");
    expect(await members(keys.gatewayUsers("gw-a"))).toEqual(["7"]);

    expect(await sessions.claim("7", "gw-a")).toEqual({ previousGateway: "gw-a", cameOnline: false });
    expect(await sessions.claim("7", "gw-b")).toEqual({ previousGateway: "gw-a", cameOnline: false });
    expect(await sessions.routeOf("7")).toBe("gw-b");
    expect(await members(keys.gatewayUsers("gw-a"))).toEqual([]);
    expect(await members(keys.gatewayUsers("gw-b"))).toEqual(["7"]);
    expect(await sessions.onlineCount()).toBe(1);
  });
});

describe("releasing a route", () => {
  it("a gateway releases only a route that still points at it", async () => {
    const sessions = new SessionStore(h.redis);
    await sessions.claim("7", "gw-a");
    await sessions.claim("7", "gw-b");
    // gw-a's late disconnect of the replaced session must not take the user offline.
    expect(await sessions.release("7", "gw-a")).toBe(false);
    expect(await sessions.routeOf("7")).toBe("gw-b");
    expect(await sessions.onlineCount()).toBe(1);

    expect(await sessions.release("7", "gw-b")).toBe(true);
    expect(await sessions.routeOf("7")).toBeNull();
    expect(await sessions.onlineCount()).toBe(0);
    expect(await members(keys.gatewayUsers("gw-b"))).toEqual([]);
    expect(await sessions.release("7", "gw-b")).toBe(false);
  });

  it("releasing a gone gateway takes its users offline, but not users whose route moved elsewhere", async () => {
    const sessions = new SessionStore(h.redis);
    for (const id of ["1", "2", "3"]) await sessions.claim(id, "gw-dead");
    await sessions.claim("4", "gw-live");
    // A stale member: user 3's route points elsewhere although gw-dead's set still names it.
    await h.redis.set(keys.route("3"), "gw-live");
    expect((await sessions.releaseGateway("gw-dead")).sort()).toEqual(["1", "2"]);
    expect(await sessions.routeOf("1")).toBeNull();
    expect(await sessions.routeOf("3")).toBe("gw-live");
    expect(await h.redis.exists(keys.gatewayUsers("gw-dead"))).toBe(0);
    expect((await h.redis.smembers(keys.online)).sort()).toEqual(["3", "4"]);
    expect(await sessions.releaseGateway("gw-dead")).toEqual([]);
  });

  it("lists the gateways that still hold users with SCAN, and their connection counts", async () => {
    const sessions = new SessionStore(h.redis);
    for (let i = 0; i < 2_500; i++) await h.redis.set(`noise:${i}`, "x");
    await sessions.claim("1", "gw-a");
    await sessions.claim("2", "gw-a");
    await sessions.claim("3", "gw-b");
    expect((await sessions.gatewaysWithUsers()).sort()).toEqual(["gw-a", "gw-b"]);
    expect(await sessions.connections(["gw-a", "gw-b", "gw-none"])).toEqual([2, 1, 0]);
    expect(await sessions.connections([])).toEqual([]);
  });
});

describe("the online set", () => {
  it("lists online users in userId order (numeric, not text) with their names", async () => {
    const sessions = new SessionStore(h.redis);
    for (const id of ["10", "9", "100", "2"]) {
      await h.redis.hset(keys.account(id), { userName: `u${id}`, passwordHash: "x", createdAt: "0" });
      await sessions.claim(id, "gw-a");
    }
    await sessions.claim("55", "gw-a"); // online without an account: listed with an empty name
    await sessions.release("100", "gw-a");
    expect(await sessions.onlineUsers()).toEqual([
      { userId: "2", userName: "u2" },
      { userId: "9", userName: "u9" },
      { userId: "10", userName: "u10" },
      { userId: "55", userName: "" },
    ]);
    expect(await sessions.onlineCount()).toBe(4);
  });

  it("holds many users and lists them all (SSCAN pages)", async () => {
    const sessions = new SessionStore(h.redis);
    await Promise.all(Array.from({ length: 3_000 }, (_, i) => sessions.claim(String(i + 1), i % 2 ? "gw-a" : "gw-b")));
    const online = await sessions.onlineUsers();
    expect(online.length).toBe(3_000);
    expect(online[0]!.userId).toBe("1");
    expect(online.at(-1)!.userId).toBe("3000");
    expect(await sessions.connections(["gw-a", "gw-b"])).toEqual([1_500, 1_500]);
  });
});

describe("revoked logins", () => {
  it("are remembered until the token would have expired", async () => {
    const sessions = new SessionStore(h.redis);
    expect(await sessions.isRevoked("s-1")).toBe(false);
    await sessions.revoke("s-1", Math.floor(Date.now() / 1000) + 600);
    expect(await sessions.isRevoked("s-1")).toBe(true);
    const ttl = await h.redis.ttl(keys.revoked("s-1"));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    await sessions.revoke("s-2", 0); // already expired: kept briefly, never without a TTL
    expect(await h.redis.ttl(keys.revoked("s-2"))).toBe(1);
  });
});
