// Route's defences, through app.request() on real Redis and ZooKeeper: each test is an attack that used to work.
import { randomBytes, scryptSync } from "node:crypto";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "@cim/state";
import { lookAlikeClaims, nameKey } from "./user-names.js";
import { HARNESS_GATEWAY, startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

const PASSWORD = "cim-test-pass-1";
let h: RouteHarness;
let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${seq++}`;

beforeAll(async () => {
  h = await startRouteHarness({
    CIM_TOKEN_TTL_SECONDS: "120", CIM_SESSION_MAX_SECONDS: "7200", CIM_METRICS_TOKEN: "metrics-token-0123456789",
    CIM_REGISTER_PER_IP: "4", CIM_LOGIN_MAX_FAILURES_PER_IP: "30", CIM_ADMIN_MAX_FAILURES_PER_IP: "5", CIM_ROOMS_PER_USER: "3", CIM_INVITES_PER_USER: "3", CIM_ROOM_JOINS_PER_USER: "4", CIM_LOGINS_PER_USER: "4",
    CIM_SEARCHES_PER_USER: "3", CIM_HTTP_SENDS_PER_USER: "4", CIM_HTTP_SENDS_WINDOW_SECONDS: "60",
  });
});
afterAll(async () => h?.stop());

async function json(res: Response): Promise<{ error: { code: string; message: string } } & Record<string, unknown>> {
  return (await res.json()) as { error: { code: string; message: string } } & Record<string, unknown>;
}

async function register(userName: string, from: string, password = PASSWORD): Promise<Response> {
  return h.call("POST", "/api/register", { body: { userName, password }, from });
}

async function login(userName: string, password: string, from: string): Promise<Response> {
  return h.call("POST", "/api/login", { body: { userName, password }, from });
}

/** A new user (named `prefix` and a unique tail) registered and signed in from `from`: its token. */
async function signedIn(prefix: string, from: string): Promise<string> {
  const name = unique(prefix);
  await register(name, from);
  return ((await json(await login(name, PASSWORD, from))) as unknown as { token: string }).token;
}

/** The contract's answer to a flood: 429, `rate_limited`, and when to try again (Retry-After, in seconds). */
async function expectRateLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await json(res)).error.code).toBe("rate_limited");
}

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

describe("cross-site requests", () => {
  it("answers 415 to bodies that are not application/json, before reading them", async () => {
    const name = unique("csrf");
    await register(name, "10.6.0.1");
    const body = JSON.stringify({ userName: name, password: PASSWORD });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      for (const path of ["/api/login", "/api/register"]) {
        const res = await h.call("POST", path, { body, headers: { "content-type": type }, from: "10.6.0.2" });
        expect(res.status).toBe(415);
        expect((await json(res)).error.code).toBe("unsupported_media_type");
      }
    }
    expect((await h.call("POST", "/api/login", { body, headers: { "content-type": "application/json; charset=utf-8" }, from: "10.6.0.2" })).status).toBe(200);
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

describe("room flood", () => {
  it("limits the rooms one user creates with 429 and Retry-After; other users go on", async () => {
    const [builder, other] = [await signedIn("builder", "10.10.0.1"), await signedIn("other", "10.10.0.1")];
    const create = (t: string) => h.call("POST", "/api/rooms", { token: t, body: { name: unique("room"), visibility: "public" } });
    for (let i = 0; i < 3; i++) expect((await create(builder)).status).toBe(201);
    await expectRateLimited(await create(builder));
    expect((await create(other)).status).toBe(201);
  });
});

describe("invitation flood", () => {
  it("limits the users one member invites with 429 and Retry-After, also again after each leave; other members go on", async () => {
    // Invitations had no bound: one user put a room in every user's list, and again after each leave (blocking the
    // inviter does not touch rooms).
    const signedInUser = async (prefix: string) => {
      const name = unique(prefix);
      await register(name, "10.10.1.1");
      return (await json(await login(name, PASSWORD, "10.10.1.1"))) as unknown as { token: string; userId: string };
    };
    const spammer = await signedInUser("spammer");
    const [first, second, third] = [await signedInUser("target"), await signedInUser("target"), await signedInUser("target")];
    const room = (await json(await h.call("POST", "/api/rooms", { token: spammer.token, body: { name: unique("prizes"), visibility: "private" } }))) as unknown as { roomId: string };
    const invite = (by: string, userId: string) => h.call("POST", `/api/rooms/${room.roomId}/members`, { token: by, body: { userId } });
    expect((await invite(spammer.token, first.userId)).status).toBe(201);
    expect((await invite(spammer.token, second.userId)).status).toBe(201);
    expect((await h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: second.token })).status).toBe(204);
    expect((await invite(spammer.token, second.userId)).status).toBe(201);
    await expectRateLimited(await invite(spammer.token, third.userId));
    const members = (await json(await h.call("GET", `/api/rooms/${room.roomId}/members`, { token: spammer.token }))) as unknown as { members: Array<{ userId: string }> };
    expect(members.members.map((m) => m.userId)).not.toContain(third.userId);
    expect((await invite(first.token, third.userId)).status).toBe(201);
  });
});

describe("join and leave flood", () => {
  it("limits the joins and leaves of one user with 429 and Retry-After; other users go on", async () => {
    // Unbounded, one user's join-leave loop sent 200 RoomEvents to every member's sessions in 1.8 s and filled the
    // room's kept events.
    const [owner, flooder, other] = [await signedIn("owner", "10.10.2.1"), await signedIn("flooder", "10.10.2.1"), await signedIn("other", "10.10.2.1")];
    const room = (await json(await h.call("POST", "/api/rooms", { token: owner, body: { name: unique("busy"), visibility: "public" } }))) as unknown as { roomId: string };
    const join = (t: string) => h.call("POST", `/api/rooms/${room.roomId}/join`, { token: t });
    const leave = (t: string) => h.call("POST", `/api/rooms/${room.roomId}/leave`, { token: t });
    for (let i = 0; i < 2; i++) {
      expect((await join(flooder)).status).toBe(200);
      expect((await leave(flooder)).status).toBe(204);
    }
    await expectRateLimited(await join(flooder));
    expect((await join(other)).status).toBe(200);
    // The built-in room changes nothing and counts nothing.
    expect((await h.call("POST", "/api/rooms/everyone/join", { token: flooder })).status).toBe(200);
  });
});

describe("search flood", () => {
  it("limits the searches one user runs with 429 and Retry-After; other users go on", async () => {
    const [seeker, other] = [await signedIn("seeker", "10.11.0.1"), await signedIn("other", "10.11.0.1")];
    const search = (t: string) => h.call("GET", "/api/search?q=anything", { token: t });
    for (let i = 0; i < 3; i++) expect((await search(seeker)).status).toBe(200);
    await expectRateLimited(await search(seeker));
    expect((await search(other)).status).toBe(200);
  });
});

describe("send flood over HTTP", () => {
  it("limits one user's sends (edits and reactions too) on all route processes together with 429 and Retry-After; other users go on", async () => {
    const [sender, other] = [await signedIn("flooder", "10.12.0.1"), await signedIn("other", "10.12.0.1")];
    // A second route process over the same Redis: route is stateless, the count lives in Redis.
    const second = h.variant({});
    const send = (call: typeof h.call, t: string, body: Record<string, unknown>) => call("POST", "/api/messages", { token: t, body });
    const first = await send(h.call, sender, { text: "flood 1" });
    expect(first.status).toBe(202);
    const { msgId } = (await json(first)) as unknown as { msgId: string };
    expect((await send(second.call, sender, { text: "flood 2" })).status).toBe(202);
    expect((await send(h.call, sender, { editOf: msgId, text: "flood 1, edited" })).status).toBe(202);
    expect((await send(second.call, sender, { reactTo: msgId, reaction: "👍", text: "" })).status).toBe(202);
    for (const [call, body] of [[h.call, { text: "flood 5" }], [second.call, { reactTo: msgId, reaction: "🎉", text: "" }]] as const) {
      const refused = await send(call, sender, body);
      await expectRateLimited(refused);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    }
    expect((await send(second.call, other, { text: "not flooding" })).status).toBe(202);
    const history = (await json(await h.call("GET", "/api/history?limit=200", { token: other }))) as unknown as { messages: Array<{ text: string }> };
    const texts = history.messages.map((m) => m.text);
    expect(texts).toContain("not flooding");
    expect(texts).not.toContain("flood 5");
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

describe("headers and endpoints", () => {
  it("serves the web app with a strict CSP naming the live gateways, and no source maps", async () => {
    const res = await h.app.request("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:39999/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await h.app.request("/assets/app.js")).status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect((await h.app.request("/assets/app.js.map")).status).toBe(404);
    expect((await h.app.request("/api/online")).headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers the API with Cache-Control: no-store, tokens and messages alike; the page stays no-cache", async () => {
    // API answers had no Cache-Control: a login's token or a history page could be kept by a cache.
    const name = unique("nostore");
    await register(name, "10.9.8.1");
    const login = await h.call("POST", "/api/login", { body: { userName: name, password: PASSWORD }, from: "10.9.8.1" });
    expect(login.status).toBe(200);
    expect(login.headers.get("cache-control")).toBe("no-store");
    const token = ((await login.json()) as { token: string }).token;
    for (const path of ["/api/history", "/api/rooms", "/api/online"]) {
      const res = await h.call("GET", path, { token });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await h.call("GET", "/api/rooms")).headers.get("cache-control")).toBe("no-store");
    expect((await h.app.request("/")).headers.get("cache-control")).toBe("no-cache");
  });

  it("serves the web app compressed, hashed assets cached for a year", async () => {
    const brotli = await h.app.request("/assets/app.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(brotli.headers.get("content-encoding")).toBe("br");
    expect(brotli.headers.get("vary")).toContain("Accept-Encoding");
    expect(brotli.headers.get("content-type")).toMatch(/javascript/);
    expect(brotli.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(Buffer.from(await brotli.arrayBuffer())).toString()).toContain("cim cim");
    const asset = await h.app.request("/assets/app.js", { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const text = await new Response(asset.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    expect(text).toContain("cim cim");
    const page = await h.app.request("/admin", { headers: { "accept-encoding": "gzip" } });
    expect(page.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers 404 for an asset that is not there (an older build's), never the page cached for a year under its name", async () => {
    for (const path of ["/assets/index-0ldHash.js", "/assets/gone.css", "/assets/"]) {
      const missing = await h.app.request(path);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get("cache-control"), path).toBeNull();
      expect(await missing.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    }
    expect((await h.app.request("/some/client/route")).status).toBe(200);
  });

  it("answers a known path asked with another method 405 with Allow; an unknown path stays 404", async () => {
    // Paths behind the login check answer 401 to a request without a token whatever its method; with one, 405.
    const token = await signedIn("methods", "10.9.7.1");
    const wrong: Array<[string, string, string]> = [
      ["PUT", "/api/login", "POST"],
      ["DELETE", "/api/online", "GET, HEAD"],
      ["GET", "/api/rooms/r1/join", "POST"],
      ["POST", "/api/rooms/r1/members/42", "DELETE"],
    ];
    for (const [method, path, allow] of wrong) {
      const res = await h.call(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")?.split(", ").sort().join(", "), path).toBe(allow);
      expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
    }
    const unknown = await h.app.request("/api/nothing-here", { method: "DELETE" });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("not_found");
    // The right method still reaches the route (its own answer, not 405).
    expect((await h.app.request("/api/online")).status).toBe(401);
  });

  it("answers a path behind the login check 401 without a valid token whatever its method, as CONTRACT says; 405 with one", async () => {
    // Those whose routes check the token themselves (not a router's middleware) answered 405 first.
    const wrong: Array<[string, string]> = [["PUT", "/api/online"], ["POST", "/api/history"], ["GET", "/api/messages"], ["GET", "/api/logout"],
      ["GET", "/api/logout/others"], ["GET", "/api/password"], ["GET", "/api/account"], ["GET", "/api/reconnect"], ["PUT", "/api/rooms"]];
    const token = await signedIn("tokenfirst", "10.9.7.2");
    for (const [method, path] of wrong) {
      for (const headers of [{}, { authorization: "Bearer not-a-token" }] as Array<Record<string, string>>) {
        const res = await h.app.request(path, { method, headers });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get("www-authenticate"), `${method} ${path}`).toMatch(/^Bearer realm="cim"/);
        expect((await json(res)).error.code).toBe("unauthorized");
      }
      const res = await h.call(method, path, { token });
      expect(res.status, `${method} ${path} with a token`).toBe(405);
      expect((await json(res)).error.code).toBe("method_not_allowed");
    }
    // Paths that need no token keep answering 405 without one.
    expect((await h.app.request("/api/login", { method: "GET" })).status).toBe(405);
    expect((await h.app.request("/api/register", { method: "PUT" })).status).toBe(405);
    expect((await h.app.request("/api/openapi.json", { method: "POST" })).status).toBe(405);
  });

  it("answers an unknown path under /api/ 404 not_found, with a token or without", async () => {
    // Under the routers that check the token in a middleware (rooms, users, conversations, search, blocks, admin) such a
    // path answered 401 without a token, where CONTRACT says 404; the other unknown paths answered 404.
    const token = await signedIn("unknownpath", "10.9.7.3");
    for (const path of ["/api/rooms/r1/nothing", "/api/rooms/a/b/c", "/api/users/x/y", "/api/conversations/x", "/api/blocks/1/2", "/api/search/x", "/api/admin/nope", "/api/account/x"]) {
      for (const headers of [{}, { authorization: "Bearer not-a-token" }, { authorization: `Bearer ${token}` }] as Array<Record<string, string>>) {
        const res = await h.app.request(path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers).slice(0, 40)}`).toBe(404);
        expect((await json(res)).error.code).toBe("not_found");
      }
    }
  });

  it("answers the web app's paths GET and HEAD only: another method is 405 with Allow, never the page or a body-less 200", async () => {
    // OPTIONS was answered 200 with the page's Content-Length and no body (a client read a truncated response), POST /
    // the page itself, POST /some/route 404.
    for (const path of ["/", "/index.html", "/assets/app.js", "/sw.js", "/some/client/route"]) {
      for (const method of ["OPTIONS", "POST", "PUT", "DELETE", "PATCH"]) {
        const res = await h.app.request(path, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow"), `${method} ${path}`).toBe("GET, HEAD");
        expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
      }
      expect((await h.app.request(path)).status, `GET ${path}`).toBe(200);
      expect((await h.app.request(path, { method: "HEAD" })).status, `HEAD ${path}`).toBe(200);
    }
    expect((await h.app.request("/healthz", { method: "POST" })).headers.get("allow")).toBe("GET, HEAD");
  });

  it("serves the service worker as a script revalidated on every use, under the same policy", async () => {
    const worker = await h.app.request("/sw.js");
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toMatch(/javascript/);
    // A worker kept in a cache would keep serving an old app: browsers must ask route each time.
    expect(worker.headers.get("cache-control")).toBe("no-cache");
    expect(worker.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await worker.text()).toContain("addEventListener");
  });

  it("slows wrong admin tokens per address with 429", async () => {
    for (let i = 0; i < 5; i++) expect((await h.call("GET", "/api/admin/stats", { token: `wrong-admin-token-${i}`, from: "10.9.6.6" })).status).toBe(401);
    expect((await h.call("GET", "/api/admin/stats", { token: "wrong-admin-token-x", from: "10.9.6.6" })).status).toBe(429);
    expect((await h.call("GET", "/api/admin/stats", { token: "cim-devstack-admin-token", from: "10.9.0.1" })).status).toBe(200);
  });

  it("restricts /metrics to the metrics token when one is set", async () => {
    expect((await h.app.request("/metrics")).status).toBe(401);
    expect((await h.call("GET", "/metrics", { token: "wrong-metrics-token-000" })).status).toBe(401);
    const res = await h.call("GET", "/metrics", { token: "metrics-token-0123456789" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("cim_route_requests_total");
  });
});
