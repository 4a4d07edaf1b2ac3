// Route's defences of accounts, through app.request() on real Redis and ZooKeeper: passwords, user names, login
// guessing, registration floods and sessions. Each test is an attack that used to work.
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keys } from "@cim/state";
import { lookAlikeClaims, nameKey } from "./user-names.js";
import { HARNESS_GATEWAY } from "./testing/route-harness.js";
import { PASSWORD, useSecurityHarness } from "./testing/security-harness.js";

const { h, unique, json, register, login, signedIn, expectRateLimited } = useSecurityHarness();

describe("passwords", () => {
  it("refuses short and common passwords with weak_password", async () => {
    for (const password of ["abc1234", "password1", "12345678", "qwertyuiop"]) {
      const res = await register(unique("weak"), "10.1.0.1", password);
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe("weak_password");
    }
  });

  it("re-hashes a seed-era scrypt hash with Argon2id at the next good login", async () => {
    const salt = randomBytes(16);
    const legacy = `scrypt$16384$8$1$${salt.toString("base64")}$${scryptSync(PASSWORD, salt, 32, { N: 16_384, r: 8, p: 1 }).toString("base64")}`;
    await h.redis.set(keys.accountName("oldtimer"), "900001");
    await h.redis.hset(keys.account("900001"), { userName: "oldtimer", passwordHash: legacy, createdAt: "1" });
    expect((await login("oldtimer", PASSWORD, "10.1.0.2")).status).toBe(200);
    expect(await h.redis.hget(keys.account("900001"), "passwordHash")).toMatch(/^\$argon2id\$/);
    expect((await login("oldtimer", PASSWORD, "10.1.0.2")).status).toBe(200);
  });
});

describe("user names", () => {
  it("refuses names with invisible letters (Hangul fillers), which read as another name or as none", async () => {
    const base = unique("seen");
    expect((await register(base, "10.2.1.1")).status).toBe(201);
    // U+3164 and U+115F are letters that show as blank: "seen…" + one of them read as "seen…" and had keys of their own.
    for (const name of [`${base}\u3164`, `${base}\u115f`, `\u3164${unique("f")}`, "\u3164", "\uffa0\u1160"]) {
      const res = await register(name, "10.2.1.2");
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect((await json(res)).error).toEqual({ code: "bad_request", message: expect.stringContaining("invisible") });
    }
  });

  // A user named "Everyone" put a private chat titled "Everyone" beside the group in its correspondents' lists, as a
  // room of that name would (refused since rooms were named).
  it("refuses the group's name and its look-alikes, as a room's name", async () => {
    for (const name of ["Everyone", "EVERYONE", "everyone", "\u0415veryone", "\uff45veryone", "Everyon\u0435"]) {
      const res = await register(name, "10.2.2.1");
      expect(res.status, name).toBe(400);
      expect((await json(res)).error, name).toEqual({ code: "bad_request", message: 'userName: userName may not be "Everyone", the group\'s' });
    }
    expect((await register(unique("everyone"), "10.2.2.2")).status).toBe(201);
  });

  it("treats case, fullwidth and Cyrillic look-alikes as one name, shown as typed", async () => {
    const base = unique("lice");
    expect((await register(`A${base}`, "10.2.0.1")).status).toBe(201);
    for (const lookAlike of [`a${base}`, `\u0430${base}`, `\uff41${base}`]) {
      const res = await register(lookAlike, "10.2.0.2");
      expect(res.status).toBe(409);
      expect((await json(res)).error.code).toBe("name_taken");
    }
    const res = await login(`a${base}`, PASSWORD, "10.2.0.3");
    expect(res.status).toBe(200);
    expect((await json(res)).userName).toBe(`A${base}`);
  });

  it("treats look-alikes of capitals as one name too: I for l, Greek and Cyrillic capitals for Latin ones, either registered first", async () => {
    const base = unique("ce");
    const pairs: Array<[string, string]> = [
      [`ali${base}`, `aIi${base}`],
      [`aIi${base}x`, `ali${base}x`],
      [`KEN${base}`, `\u039a\u0395\u039d${base}`],
      [`\u041a\u0415\u041d${base}y`, `KEH${base}y`],
    ];
    for (const [i, [first, lookAlike]] of pairs.entries()) {
      expect((await register(first, `10.2.1.${i}`)).status).toBe(201);
      const res = await register(lookAlike, `10.2.2.${i}`);
      expect(res.status, `${lookAlike} after ${first}`).toBe(409);
      expect((await json(res)).error.code).toBe("name_taken");
    }
    // The first of each pair still logs in by its own name.
    expect((await login(`aIi${base}x`, PASSWORD, "10.2.3.1")).status).toBe(200);
  });

  it("an account registered before look-alike keys claims them at route's start (the backfill): its look-alike is then taken", async () => {
    const typed = `KIM${unique("old")}`.toUpperCase(); // capital I: its look-alike key reads it as l
    await h.redis.set(keys.accountName(nameKey(typed)), "900002");
    await h.redis.hset(keys.account("900002"), { userName: typed, passwordHash: "x", createdAt: "1" });
    const lookAlike = typed.replace("I", "l");
    await h.services.users.backfill(nameKey, undefined, async (accounts) => void (await h.services.accounts.claimLookAlikes(lookAlikeClaims(accounts))));
    const res = await register(lookAlike, "10.2.4.1");
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe("name_taken");
  });
});

describe("login guessing", () => {
  it("slows guesses of a name from one address, never the owner logging in from elsewhere", async () => {
    const name = unique("victim");
    await register(name, "10.3.0.1");
    for (let i = 0; i < 10; i++) expect((await login(name, `wrong-guess-${i}`, "10.3.6.6")).status).toBe(401);
    const locked = await login(name, PASSWORD, "10.3.6.6");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await json(locked)).error.code).toBe("rate_limited");
    expect((await login(name, PASSWORD, "10.3.0.2")).status).toBe(200);
  });

  it("a delay grows with every further failure", async () => {
    const name = unique("growing");
    await register(name, "10.4.0.1");
    for (let i = 0; i < 10; i++) await login(name, `wrong-${i}`, "10.4.6.6");
    const first = Number((await login(name, PASSWORD, "10.4.6.6")).headers.get("retry-after"));
    // An attacker waiting out the delay gets a longer one after the next miss.
    await h.redis.del(`${keys.rateLimitPrefix}:login-delay:10.4.6.6|${nameKey(name)}`);
    await login(name, "wrong-again", "10.4.6.6");
    const second = Number((await login(name, PASSWORD, "10.4.6.6")).headers.get("retry-after"));
    expect(second).toBeGreaterThan(first);
  });

  it("limits the good logins of one user with 429 and Retry-After, before the hash; other users go on", async () => {
    // Unbounded, a client that knew the password logged in 94 times a second from one address, each a password hash
    // (the others' logins waited ten times longer). Only right passwords count: a stranger cannot keep the user out.
    const [name, other] = [unique("frequent"), unique("other")];
    await register(name, "10.3.1.1");
    await register(other, "10.3.1.1");
    for (let i = 0; i < 3; i++) expect((await login(name, "not-the-password-9", "10.3.1.2")).status).toBe(401);
    for (let i = 0; i < 4; i++) expect((await login(name, PASSWORD, `10.3.1.${3 + i}`)).status).toBe(200);
    await expectRateLimited(await login(name, PASSWORD, "10.3.1.9"));
    expect((await login(other, PASSWORD, "10.3.1.9")).status).toBe(200);
  });

  // Each check came before the hash and each count after it: guesses sent at once all passed the check, so a burst of
  // 40 guesses of one name were all hashed and answered (10 are free), as were 60 names from an address allowed 30.
  it("counts guesses sent at once as if sent one after another: a burst hashes no more than the free failures", async () => {
    const name = unique("burst");
    await register(name, "10.3.2.1");
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => login(name, `burst-guess-${i}`, "10.3.2.6").then((res) => res.status)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30);
    const names = Array.from({ length: 60 }, () => unique("sprayed"));
    const sprayed = await Promise.all(names.map((sprayedName) => login(sprayedName, "spray-password-2", "10.3.2.7").then((res) => res.status)));
    expect(sprayed.filter((status) => status === 401)).toHaveLength(30);
    expect(sprayed.filter((status) => status === 429)).toHaveLength(30);
    expect((await login(name, PASSWORD, "10.3.2.8")).status).toBe(200);
  });

  // One at a time per route process: with two behind a balancer a guess on each ran at once, both checked before
  // either was counted.
  it("counts guesses of one name sent at once to two route processes as if sent one after another", async () => {
    const name = unique("twoburst");
    await register(name, "10.3.3.1");
    const [first, second] = [h.variant({}), h.variant({})];
    const statuses = await Promise.all(Array.from({ length: 24 }, (_, i) =>
      (i % 2 ? second : first).call("POST", "/api/login", { body: { userName: name, password: `two-guess-${i}` }, from: "10.3.3.6" }).then((res) => res.status)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(14);
  });

  it("an address that fails on many names is stopped for all of them", async () => {
    const names = Array.from({ length: 30 }, () => unique("spray"));
    await register(names[0]!, "10.5.0.1");
    for (const name of names) await login(name, "spray-password-1", "10.5.6.6");
    expect((await login(names[0]!, PASSWORD, "10.5.6.6")).status).toBe(429);
    expect((await login(names[0]!, PASSWORD, "10.5.0.2")).status).toBe(200);
  });
});

describe("registration flood", () => {
  it("limits accounts per address with 429 and Retry-After; other addresses go on", async () => {
    for (let i = 0; i < 4; i++) expect((await register(unique("flood"), "10.7.6.6")).status).toBe(201);
    await expectRateLimited(await register(unique("flood"), "10.7.6.6"));
    expect((await register(unique("calm"), "10.7.0.1")).status).toBe(201);
  });
});

describe("the machine's own clients (loopback, exempt by default)", () => {
  it("meet no per-address limit (accounts, failures over many names, wrong admin tokens); a guessed name still waits", async () => {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      names.push(unique("local"));
      expect((await register(names[i]!, "127.0.0.1")).status).toBe(201);
    }
    for (let i = 0; i < 31; i++) expect((await login(unique("nobody"), "spray-password-1", "::1")).status).toBe(401);
    expect((await login(names[0]!, PASSWORD, "::1")).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await h.call("GET", "/api/admin/stats", { token: `wrong-admin-token-${i}`, from: "127.0.0.2" })).status).toBe(401);
    expect((await h.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token", from: "127.0.0.2" })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await login(names[1]!, `wrong-guess-${i}`, "127.0.0.1")).status).toBe(401);
    expect((await login(names[1]!, PASSWORD, "127.0.0.1")).status).toBe(429);
  });
});

describe("sessions", () => {
  it("a refreshed token keeps the login's absolute end, and logout outlives every token of it", async () => {
    const first = await signedIn("stolen", "10.8.0.1");
    const refreshed = (await json(await h.call("POST", "/api/reconnect", { token: first }))) as unknown as { token: string };
    const a = await h.services.tokens.verify(first);
    const b = await h.services.tokens.verify(refreshed.token);
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.sessionEnd).toBe(a.sessionEnd);
    expect(b.exp).toBeLessThanOrEqual(b.sessionEnd);
    expect((await h.call("POST", "/api/logout", { token: first })).status).toBe(204);
    expect((await h.call("POST", "/api/reconnect", { token: refreshed.token })).status).toBe(401);
    // Revoked while any token of it can be valid (the refreshed one expires after the one logged out with), with room
    // for clocks that disagree; not until the login's end (2 h): nothing can use the mark after its last token.
    const ttl = await h.redis.ttl(keys.revoked(a.sessionId));
    expect(ttl).toBeGreaterThanOrEqual(b.exp - Math.floor(Date.now() / 1000) + 240);
    expect(ttl).toBeLessThanOrEqual(120 + 300);
  });

  it("reconnect without a body still works (old clients)", async () => {
    const token = await signedIn("oldclient", "10.8.0.2");
    const res = await h.call("POST", "/api/reconnect", { token });
    expect(res.status).toBe(200);
    const typedButEmpty = await h.call("POST", "/api/reconnect", { token, headers: { "content-type": "application/json" } });
    expect(typedButEmpty.status).toBe(200);
    expect(((await json(res)) as unknown as { gateway: { id: string } }).gateway.id).toBe(HARNESS_GATEWAY.id);
  });
});
