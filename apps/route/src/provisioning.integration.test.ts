// Operator tools on real Redis: accounts in bulk that log in and are found like registered ones, tokens that
// route and gateways accept, and the `npm run cim-admin` command lines themselves.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "@cim/state";
import { TEST_TOKEN_SECRET } from "@cim/devstack";
import { createAccounts, issueTokens, numberedNames, parseAccountLines } from "./provisioning.js";
import { PASSWORD, uniqueName } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

const TOKENS = { secret: TEST_TOKEN_SECRET, ttlSeconds: 3600, sessionLifetimeSeconds: 7200 };

async function logIn(userName: string, password = PASSWORD) {
  return h.call("POST", "/api/login", { body: { userName, password } });
}

describe("createAccounts", () => {
  it("creates numbered accounts that log in, are found by name, and a second run leaves them be", async () => {
    const prefix = `${uniqueName("load")}-`;
    const accounts = numberedNames(prefix, 300).map((userName) => ({ userName, password: PASSWORD }));
    const said = await h.services.messages.store({ clientMsgId: `${prefix}said`, from: "999999999", fromName: "someone", fromDevice: "", text: "said before" });
    expect(said).toHaveProperty("message");
    const first = await createAccounts(h.redis, accounts);
    expect(first.created).toHaveLength(300);
    expect(first.existing).toEqual([]);
    expect(new Set(first.created.map((u) => u.userId)).size).toBe(300);

    const res = await logIn(`${prefix}17`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userName: `${prefix}17`, userId: first.created[16]!.userId });
    expect((await logIn(`${prefix}18`, "wrong-password-1")).status).toBe(401);
    const me = ((await (await logIn(`${prefix}1`)).json()) as { token: string }).token;
    const found = (await (await h.call("GET", `/api/users?prefix=${prefix}29`, { token: me })).json()) as { users: Array<{ userName: string }> };
    expect(found.users.map((u) => u.userName).sort()).toEqual([`${prefix}29`, ...numberedNames(`${prefix}29`, 10, 0)].sort());
    // As registered ones, they start reading the group where they came in.
    const listed = (await (await h.call("GET", "/api/conversations", { token: me })).json()) as { conversations: Array<{ conversation: string; unread: number }> };
    expect(listed.conversations.find((c) => c.conversation === "everyone")).toMatchObject({ unread: 0 });

    const again = await createAccounts(h.redis, accounts.slice(0, 10));
    expect(again).toEqual({ created: [], existing: accounts.slice(0, 10).map((a) => a.userName) });
  });

  it("hashes once per distinct password unless each account asks for its own, and refuses weak passwords before writing", async () => {
    const stem = uniqueName("file");
    const accounts = parseAccountLines(`# test users\n${stem}a cim-pass-alpha-1\n${stem}b cim-pass-alpha-1\n\n${stem}c\n`, "cim-pass-gamma-3");
    expect(accounts.map((a) => a.password)).toEqual(["cim-pass-alpha-1", "cim-pass-alpha-1", "cim-pass-gamma-3"]);
    const shared = await createAccounts(h.redis, accounts);
    const hashOf = (userId: string) => h.redis.hget(keys.account(userId), "passwordHash");
    const [a, b, c] = await Promise.all(shared.created.map((u) => hashOf(u.userId)));
    expect(a).toMatch(/^\$argon2id\$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect((await logIn(`${stem}c`, "cim-pass-gamma-3")).status).toBe(200);

    const each = await createAccounts(h.redis, [`${stem}d`, `${stem}e`].map((userName) => ({ userName, password: "cim-pass-alpha-1" })), { hashEach: true });
    const [d, e] = await Promise.all(each.created.map((u) => hashOf(u.userId)));
    expect(d).not.toBe(e);

    await expect(createAccounts(h.redis, [{ userName: `${stem}f`, password: "cim-pass-alpha-1" }, { userName: `${stem}g`, password: "password" }])).rejects.toThrow(`${stem}g`);
    expect((await logIn(`${stem}f`, "cim-pass-alpha-1")).status).toBe(401);
    expect(() => parseAccountLines("only-a-name\n")).toThrow("line 1");
  });

  it("takes the names registration takes: 32 characters are 32 code points, also outside the BMP", async () => {
    // U+20000 and up are letters of two UTF-16 units each: POST /api/register takes 32 of them.
    const stem = uniqueName("w");
    const name = stem + "\u{20000}".repeat(32 - stem.length);
    expect(name.length).toBeGreaterThan(32);
    const created = await createAccounts(h.redis, [{ userName: name, password: PASSWORD }]);
    expect(created.created.map((u) => u.userName)).toEqual([name]);
    expect((await logIn(name)).status).toBe(200);
    await expect(createAccounts(h.redis, [{ userName: `${name}\u{20000}`, password: PASSWORD }])).rejects.toThrow("1-32");
  });

  it("refuses the group's name and its look-alikes, as registration does", async () => {
    for (const userName of ["Everyone", "\u0415VERYONE"]) {
      await expect(createAccounts(h.redis, [{ userName, password: PASSWORD }]), userName).rejects.toThrow(`${userName}: a user name may not be "Everyone", the group's`);
    }
  });
});

describe("issueTokens", () => {
  it("signs tokens that route accepts for the named users, and names an unknown user", async () => {
    const prefix = `${uniqueName("tok")}-`;
    const { created } = await createAccounts(h.redis, numberedNames(prefix, 3).map((userName) => ({ userName, password: PASSWORD })));
    const issued = await issueTokens(h.redis, numberedNames(prefix, 3), TOKENS);
    expect(issued.map(({ userId, userName }) => ({ userId, userName }))).toEqual(created);
    const res = await h.call("POST", "/api/reconnect", { token: issued[2]!.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: created[2]!.userId, userName: `${prefix}3` });
    await expect(issueTokens(h.redis, [`${prefix}99`], TOKENS)).rejects.toThrow(`no user named ${prefix}99`);
  });

  it("signs tokens in the account's current login epoch: a sign-out of the other devices made before does not end them", async () => {
    const userName = uniqueName("tokepoch");
    await createAccounts(h.redis, [{ userName, password: PASSWORD }]);
    const first = (await issueTokens(h.redis, [userName], TOKENS))[0]!;
    expect((await h.call("POST", "/api/logout/others", { token: first.token })).status).toBe(204);
    const [later] = await issueTokens(h.redis, [userName], TOKENS);
    expect((await h.call("POST", "/api/reconnect", { token: later!.token })).status).toBe(200);
  });
});

describe("npm run cim-admin", () => {
  const cli = fileURLToPath(new URL("./admin-cli.ts", import.meta.url));
  const run = (args: string[]) => promisify(execFile)(process.execPath, ["--import", "tsx", cli, ...args], {
    env: { ...process.env, CIM_RUN_DIR: mkdtempSync(join(tmpdir(), "cim-admin-")), REDIS_URL: h.services.config.REDIS_URL, CIM_TOKEN_SECRET: TEST_TOKEN_SECRET },
  });

  it("creates users by count and prefix and issues tokens, one for a user or one JSON line each", async () => {
    const prefix = `${uniqueName("cli")}-`;
    const created = await run(["users", "create", "--count", "20", "--prefix", prefix, "--password", PASSWORD]);
    expect(created.stdout).toMatch(/^created 20 users, 0 existed already, in [\d.]+ s \(\d+\/s\)\n$/);
    const single = await run(["token", "--user", `${prefix}5`]);
    const res = await h.call("POST", "/api/reconnect", { token: single.stdout.trim() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userName: `${prefix}5` });
    const lines = (await run(["token", "--prefix", prefix, "--count", "20"])).stdout.trim().split("\n").map((line) => JSON.parse(line) as { userName: string; token: string });
    expect(lines.map((l) => l.userName)).toEqual(numberedNames(prefix, 20));
    await expect(run(["users", "create", "--count", "2"])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("users create needs") });
    await expect(run(["token", "--user", `${prefix}5`, "--ttl", "5"])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("--ttl must be at least 30 seconds") });
    // It says which Redis it asked and what to do, not only that the name is unknown.
    await expect(run(["token", "--user", `${prefix}nobody`])).rejects.toMatchObject({
      code: 1,
      stderr: `cim-admin: no user named ${prefix}nobody in the Redis at ${h.services.config.REDIS_URL}: create the accounts with users create (or register them), or check the names and --redis\n`,
    });
  });

  // With npm start stopped it printed "[ioredis] Unhandled error event" and a stack per attempt, then "Reached the max
  // retries per request limit (which is 3)"; a URL of another form was taken as a socket path ("connect ENOENT //x").
  it("says in one line where it looked for Redis when none answers there, or when the URL is not one", async () => {
    const closed = await getPort({ host: "127.0.0.1" });
    const url = `redis://127.0.0.1:${closed}`;
    const failed = await run(["token", "--user", "ann", "--redis", url]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(new RegExp(`^cim-admin: Redis at ${url} does not answer \\(ECONNREFUSED\\): is npm start running\\? \\(--redis, REDIS_URL, .*stack\\.json\\)\n$`));
    await expect(run(["users", "create", "--count", "1", "--prefix", "x-", "--password", PASSWORD, "--redis", "http://127.0.0.1:6379"]))
      .rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^cim-admin: --redis http:\/\/127\.0\.0\.1:6379: a redis:\/\/ or rediss:\/\/ URL such as/) });
  });
});
