// UserDirectory against a real redis-server: prefix search over name keys, and the backfill of older accounts.
import { describe, expect, it } from "vitest";
import { AccountStore } from "./accounts.js";
import { directory, user } from "./keys.js";
import { useRedis } from "./test-harness.js";
import { UserDirectory } from "./users.js";

const h = useRedis();
const lower = (name: string) => name.toLowerCase();

describe("searching users", () => {
  it("finds userIds by name-key prefix, in name order, up to the limit; an empty prefix lists from the start", async () => {
    const users = new UserDirectory(h.redis);
    await users.index("3", "carol");
    await users.index("1", "alice");
    await users.index("12", "alicia");
    await users.index("2", "bob");
    expect(await users.search({ prefix: "ali", limit: 10 })).toEqual(["1", "12"]);
    expect(await users.search({ prefix: "alic", limit: 1 })).toEqual(["1"]);
    expect(await users.search({ prefix: "alice", limit: 10 })).toEqual(["1"]);
    expect(await users.search({ prefix: "", limit: 3 })).toEqual(["1", "12", "2"]);
    expect(await users.search({ prefix: "d", limit: 10 })).toEqual([]);
  });

  it("indexing twice keeps one entry", async () => {
    const users = new UserDirectory(h.redis);
    await users.index("1", "alice");
    await users.index("1", "alice");
    expect(await h.redis.zcard(directory.userNames)).toBe(1);
  });

  it("finds names beyond ASCII", async () => {
    const users = new UserDirectory(h.redis);
    await users.index("1", "zoë");
    await users.index("2", "zoe");
    await users.index("3", "ǆemal");
    expect(await users.search({ prefix: "zoë", limit: 10 })).toEqual(["1"]);
    expect(await users.search({ prefix: "zo", limit: 10 })).toEqual(["2", "1"]);
    expect(await users.search({ prefix: "ǆ", limit: 10 })).toEqual(["3"]);
  });
});

describe("backfilling the directory", () => {
  it("indexes every account that is missing, over several SCAN batches, and nothing twice", async () => {
    const accounts = new AccountStore(h.redis);
    const users = new UserDirectory(h.redis);
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await accounts.create(`User${i}`, `user${i}`, "hash"));
    await users.index(made[0]!.userId, "user0");
    expect(await users.backfill(lower, 2)).toBe(6);
    expect(await users.search({ prefix: "user", limit: 50 })).toEqual(made.map((a) => a!.userId));
    expect(await users.backfill(lower, 2)).toBe(0);
    expect(await h.redis.zcard(directory.userNames)).toBe(7);
  });

  it("ignores keys that are not accounts and accounts without a name", async () => {
    const users = new UserDirectory(h.redis);
    await h.redis.set("cim-account:junk", "x");
    await h.redis.hset("cim-account:5", { passwordHash: "h" });
    await h.redis.set("cim-account-name:bob", "6");
    expect(await users.backfill(lower)).toBe(0);
    expect(await h.redis.zcard(directory.userNames)).toBe(0);
  });
});

describe("private peers", () => {
  it("lists a user's peers, the newest conversation first, up to the limit", async () => {
    const users = new UserDirectory(h.redis);
    expect(await users.peersOf("1", 10)).toEqual([]);
    await h.redis.zadd(user.peers("1"), 1732400000000002, "7", 1732400000000009, "3", 1732400000000005, "12");
    expect(await users.peersOf("1", 10)).toEqual(["3", "12", "7"]);
    expect(await users.peersOf("1", 2)).toEqual(["3", "12"]);
  });
});
