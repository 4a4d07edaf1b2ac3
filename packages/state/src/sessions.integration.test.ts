// SessionStore against a real redis-server: sessions per gateway, presence, gone gateways, the online set.
import { describe, expect, it } from "vitest";
import { AccountStore } from "./accounts.js";
import { keys, user } from "./keys.js";
import { SessionStore } from "./sessions.js";
import { useRedis } from "./test-harness.js";

const h = useRedis();

const members = async (key: string) => (await h.redis.smembers(key)).sort();

describe("sessions per gateway", () => {
  it("a user is online while any gateway holds a session of it; each gateway writes its own count", async () => {
    const sessions = new SessionStore(h.redis);
    expect(await sessions.setSessions("7", "gw-a", 1)).toEqual({ cameOnline: true, wentOffline: false });
    expect(await sessions.setSessions("7", "gw-a", 2)).toEqual({ cameOnline: false, wentOffline: false });
    expect(await sessions.setSessions("7", "gw-b", 1)).toEqual({ cameOnline: false, wentOffline: false });
    expect(await h.redis.hgetall(user.gateways("7"))).toEqual({ "gw-a": "2", "gw-b": "1" });
    expect((await sessions.gatewaysOf("7")).sort()).toEqual(["gw-a", "gw-b"]);
    expect(await sessions.sessionCount("7")).toBe(3);
    expect(await members(keys.gatewayUsers("gw-a"))).toEqual(["7"]);
    expect(await members(keys.gatewayUsers("gw-b"))).toEqual(["7"]);

    expect(await sessions.setSessions("7", "gw-a", 0)).toEqual({ cameOnline: false, wentOffline: false });
    expect(await members(keys.gatewayUsers("gw-a"))).toEqual([]);
    expect(await sessions.onlineCount()).toBe(1);
    // A count re-sent after a reconnect changes nothing.
    expect(await sessions.setSessions("7", "gw-a", 0)).toEqual({ cameOnline: false, wentOffline: false });
    expect(await sessions.setSessions("7", "gw-b", 0)).toEqual({ cameOnline: false, wentOffline: true });
    expect(await sessions.onlineCount()).toBe(0);
    expect(await h.redis.exists(user.gateways("7"))).toBe(0);
    expect(await sessions.gatewaysOf("7")).toEqual([]);
    expect(await sessions.setSessions("7", "gw-b", 0)).toEqual({ cameOnline: false, wentOffline: false });
  });

  it("claim and release count one session per gateway by default", async () => {
    const sessions = new SessionStore(h.redis);
    expect(await sessions.claim("8", "gw-a")).toEqual({ cameOnline: true });
    expect(await sessions.gatewaysOf("8")).toEqual(["gw-a"]);
    expect(await sessions.release("8", "gw-a")).toBe(true);
    expect(await sessions.release("8", "gw-a")).toBe(false);
  });

  it("a user whose last session leaves one gateway while another gateway claims it stays online", async () => {
    const sessions = new SessionStore(h.redis);
    await sessions.setSessions("9", "gw-a", 1);
    // gw-b's claim lands between gw-a's count and its removal from the online set: the user must stay in it.
    const leaving = sessions.setSessions("9", "gw-a", 0);
    const arriving = sessions.setSessions("9", "gw-b", 1);
    const [left] = await Promise.all([leaving, arriving]);
    expect(left.wentOffline).toBe(false);
    expect(await sessions.onlineCount()).toBe(1);
  });
});

describe("releasing a gone gateway", () => {
  it("takes its users offline, but not users with sessions on other gateways", async () => {
    const sessions = new SessionStore(h.redis);
    for (const id of ["1", "2", "3"]) await sessions.setSessions(id, "gw-dead", 2);
    await sessions.setSessions("3", "gw-live", 1);
    await sessions.setSessions("4", "gw-live", 1);
    expect((await sessions.releaseGateway("gw-dead")).sort()).toEqual(["1", "2"]);
    expect(await sessions.gatewaysOf("1")).toEqual([]);
    expect(await sessions.gatewaysOf("3")).toEqual(["gw-live"]);
    expect(await h.redis.exists(keys.gatewayUsers("gw-dead"))).toBe(0);
    expect((await h.redis.smembers(keys.online)).sort()).toEqual(["3", "4"]);
    expect(await sessions.releaseGateway("gw-dead")).toEqual([]);
  });

  it("lists the gateways that still hold users without a SCAN of the keyspace, and their connection counts", async () => {
    // Route's start found them with a SCAN of every key: 4-5 s more on a 3M-key Redis.
    const sessions = new SessionStore(h.redis);
    await h.redis.mset(Object.fromEntries(Array.from({ length: 2_500 }, (_, i) => [`noise:${i}`, "x"])));
    await sessions.claim("1", "gw-a");
    await sessions.claim("2", "gw-a");
    await sessions.claim("3", "gw-b");
    await sessions.claim("4", "gw-c");
    await sessions.release("4", "gw-c");
    await sessions.releaseGateway("gw-c");
    await h.redis.config("RESETSTAT");
    expect((await sessions.gatewaysWithUsers()).sort()).toEqual(["gw-a", "gw-b"]);
    expect(await scans()).toBe(0);
    expect(await sessions.connections(["gw-a", "gw-b", "gw-none"])).toEqual([2, 1, 0]);
    expect(await sessions.connections([])).toEqual([]);
  });

  it("finds, once, the gateways of users stored before the index (older gateways' data)", async () => {
    const sessions = new SessionStore(h.redis);
    // Stored as before the index: the user's count, the gateway's user set and the online set, no index entry.
    for (const id of ["5", "6"]) await sessions.claim(id, "gw-old");
    await h.redis.del(keys.gatewaysWithUsers);
    await sessions.claim("7", "gw-new");
    expect((await sessions.indexOldGateways()).sort()).toEqual(["gw-new", "gw-old"]);
    expect((await sessions.gatewaysWithUsers()).sort()).toEqual(["gw-new", "gw-old"]);
    expect((await sessions.releaseGateway("gw-old")).sort()).toEqual(["5", "6"]);
    expect(await sessions.gatewaysWithUsers()).toEqual(["gw-new"]);
    await h.redis.config("RESETSTAT");
    expect(await sessions.indexOldGateways()).toEqual([]);
    expect(await scans()).toBe(0);
  });

  it("keeps a gateway in the index when a user claims a session there while it is released", async () => {
    const sessions = new SessionStore(h.redis);
    for (let round = 0; round < 20; round++) {
      await sessions.claim("8", "gw-flap");
      await Promise.all([sessions.releaseGateway("gw-flap"), sessions.claim("9", "gw-flap")]);
      const held = await h.redis.scard(keys.gatewayUsers("gw-flap"));
      expect(await sessions.gatewaysWithUsers()).toEqual(held > 0 ? ["gw-flap"] : []);
      await sessions.releaseGateway("gw-flap");
    }
  });
});

/** SCAN commands Redis served since the last CONFIG RESETSTAT. */
async function scans(): Promise<number> {
  return Number((await h.redis.info("commandstats")).match(/cmdstat_scan:calls=(\d+)/)?.[1] ?? 0);
}

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

  it("keeps when a user went offline (its last session on any gateway), for its presence; none for an unknown or deleted account", async () => {
    const sessions = new SessionStore(h.redis);
    await h.redis.hset(keys.account("31"), { userName: "seen", passwordHash: "x", createdAt: "0" });
    await sessions.claim("31", "gw-a");
    await sessions.claim("31", "gw-b");
    expect(await sessions.lastSeenOf(["31", "99999"])).toEqual([{ userId: "31", userName: "seen", online: true, lastSeen: 0 }]);
    await sessions.release("31", "gw-a");
    expect((await sessions.lastSeenOf(["31"]))[0]).toMatchObject({ online: true, lastSeen: 0 });
    const before = Date.now();
    await sessions.release("31", "gw-b");
    const [state] = await sessions.lastSeenOf(["31"]);
    expect(state).toMatchObject({ online: false });
    expect(state!.lastSeen).toBeGreaterThanOrEqual(before);
    expect(state!.lastSeen).toBeLessThanOrEqual(Date.now());
    // Back online, it is not "last seen" but online; offline again, the newer time.
    await sessions.claim("31", "gw-a");
    expect((await sessions.lastSeenOf(["31"]))[0]).toMatchObject({ online: true, lastSeen: 0 });
    await sessions.releaseGateway("gw-a");
    expect((await sessions.lastSeenOf(["31"]))[0]!.lastSeen).toBeGreaterThanOrEqual(state!.lastSeen);
    // A socket of a deleted account closing afterwards does not make its record again.
    await sessions.claim("32", "gw-a");
    await sessions.release("32", "gw-a");
    expect(await h.redis.exists(keys.account("32"))).toBe(0);
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
    const account = (await new AccountStore(h.redis).create("revoked", "revoked", "hash"))!;
    const login = { userId: account.userId, userName: "revoked", sessionId: "s-1", loginEpoch: 0 };
    expect(await sessions.isRevoked(login)).toBe(false);
    await sessions.revoke("s-1", Math.floor(Date.now() / 1000) + 600);
    expect(await sessions.isRevoked(login)).toBe(true);
    const ttl = await h.redis.ttl(keys.revoked("s-1"));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    await sessions.revoke("s-2", 0); // already expired: kept briefly, never without a TTL
    expect(await h.redis.ttl(keys.revoked("s-2"))).toBe(1);
  });

  it("include every login of an account that is gone or now has another name (its id given again after a data loss)", async () => {
    const sessions = new SessionStore(h.redis);
    const account = (await new AccountStore(h.redis).create("lost", "lost", "hash"))!;
    const login = { userId: account.userId, userName: "lost", sessionId: "s-lost", loginEpoch: 0 };
    expect(await sessions.isRevoked(login)).toBe(false);
    await h.redis.hset(keys.account(account.userId), "userName", "newcomer");
    expect(await sessions.isRevoked(login)).toBe(true);
    await h.redis.del(keys.account(account.userId));
    expect(await sessions.isRevoked(login)).toBe(true);
    expect(await sessions.isRevoked({ ...login, userId: "999999" })).toBe(true);
  });
});

describe("ending a user's other logins", () => {
  it("ends every login that began in an older epoch but the one kept; logins begun since stay, and the password is replaced", async () => {
    const accounts = new AccountStore(h.redis);
    const sessions = new SessionStore(h.redis);
    const account = (await accounts.create("epochs", "epochs", "old-hash"))!;
    const login = (sessionId: string, loginEpoch: number) => ({ userId: account.userId, userName: account.userName, sessionId, loginEpoch });
    expect(await sessions.isRevoked(login("phone", 0))).toBe(false);

    expect(await accounts.endOtherLogins(login("laptop", 0), { verified: "old-hash", next: "new-hash" })).toBe(1);
    expect(await accounts.byId(account.userId)).toMatchObject({ passwordHash: "new-hash", loginEpoch: 1 });
    expect(await sessions.isRevoked(login("phone", 0))).toBe(true);
    expect(await sessions.isRevoked(login("laptop", 0))).toBe(false);
    expect(await sessions.isRevoked(login("tablet", 1))).toBe(false);

    // Signed out from the tablet (no new password): the laptop ends too, the tablet stays.
    expect(await accounts.endOtherLogins(login("tablet", 1))).toBe(2);
    expect(await accounts.byId(account.userId)).toMatchObject({ passwordHash: "new-hash", loginEpoch: 2 });
    expect(await sessions.isRevoked(login("laptop", 0))).toBe(true);
    expect(await sessions.isRevoked(login("tablet", 1))).toBe(false);
    expect(await accounts.loginEpochs([account.userId, "999999"])).toEqual([2, 0]);
  });

  it("a re-hash after a login replaces only the hash it checked, never a password changed meanwhile", async () => {
    const accounts = new AccountStore(h.redis);
    const account = (await accounts.create("rehash", "rehash", "legacy-hash"))!;
    expect(await accounts.rehashPassword(account.userId, "legacy-hash", "argon2-of-old")).toBe(true);
    await accounts.endOtherLogins({ userId: account.userId, sessionId: "laptop", loginEpoch: 0 }, { verified: "argon2-of-old", next: "argon2-of-new" });
    expect(await accounts.rehashPassword(account.userId, "argon2-of-old", "argon2-of-old-again")).toBe(false);
    expect((await accounts.byId(account.userId))?.passwordHash).toBe("argon2-of-new");
  });

  it("a login ended meanwhile by another login cannot end the others (nor change the password); the login kept still can", async () => {
    const accounts = new AccountStore(h.redis);
    const sessions = new SessionStore(h.redis);
    const account = (await accounts.create("ended-keeper", "ended-keeper", "old-hash"))!;
    const login = (sessionId: string, loginEpoch: number) => ({ userId: account.userId, userName: account.userName, sessionId, loginEpoch });
    expect(await accounts.endOtherLogins(login("owner", 0), { verified: "old-hash", next: "owner-hash" })).toBe(1);

    // The thief's requests passed their token check before the owner's change: they must not undo it.
    expect(await accounts.endOtherLogins(login("thief", 0))).toBe("ended");
    expect(await accounts.endOtherLogins(login("thief", 0), { verified: "old-hash", next: "thief-hash" })).toBe("ended");
    expect(await accounts.byId(account.userId)).toMatchObject({ passwordHash: "owner-hash", loginEpoch: 1 });
    expect(await sessions.isRevoked(login("owner", 0))).toBe(false);
    expect(await sessions.isRevoked(login("thief", 0))).toBe(true);

    // A second change checked against the password replaced meanwhile (two requests of the same login) is refused.
    expect(await accounts.endOtherLogins(login("owner", 0), { verified: "old-hash", next: "other-hash" })).toBe("changed");
    expect(await accounts.endOtherLogins(login("owner", 0))).toBe(2);
    expect(await accounts.endOtherLogins(login("unknown", 0))).toBe("ended");
    expect(await accounts.endOtherLogins({ userId: "999999", sessionId: "x", loginEpoch: 0 })).toBe("ended");
    expect(await h.redis.exists(keys.account("999999"))).toBe(0);
  });
});
