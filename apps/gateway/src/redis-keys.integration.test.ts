// Growth: after a workload of every kind, each Redis key either expires or is one docs/SECURITY.md lists with
// what bounds it. A new key pattern that nobody bounded fails here. And every key carries CONTRACT's prefix `cim-`.
// Also CONTRACT's ZooKeeper layout as a running stack writes it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATEWAYS_PATH, zk, ZkSession } from "@cim/discovery";
import { newUser, REPO_ROOT, startCluster, TEST_ADMIN_TOKEN, type Cluster, type RecordingClient } from "@cim/devstack";

let cluster: Cluster;
let redis: Redis;
let edited: { msgId: string; edit: string } | undefined;
let deleted: string | undefined;
const clients: RecordingClient[] = [];

beforeAll(async () => {
  // A day's retention: route's sweep runs at its start (cim-sweep:retention, checked below) and trims nothing here.
  cluster = await startCluster({ gateways: 2, routeEnv: { CIM_STREAM_MAX_AGE_SECONDS: "86400" } });
  redis = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const client of clients) client.close();
  redis?.disconnect();
  await cluster?.stop();
});

/** The key patterns of docs/SECURITY.md's "Redis keys and what bounds them" table, as regular expressions. */
function documentedPatterns(): RegExp[] {
  const doc = readFileSync(join(REPO_ROOT, "docs/SECURITY.md"), "utf8");
  const section = doc.split("## Redis keys and what bounds them")[1]!.split("\n## ")[0]!;
  const patterns: RegExp[] = [];
  for (const line of section.split("\n")) {
    const cell = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (!cell || cell.startsWith("key") || cell.startsWith("---")) continue;
    for (const [, key] of cell.matchAll(/`([^`]+)`/g)) {
      const source = key!.replace(/[.+?^${}()[\]\\]/g, "\\$&").replace(/<[^>]+>/g, "[^:]+").replace(/\*/g, ".*");
      patterns.push(new RegExp(`^${source}$`));
    }
  }
  return patterns;
}

async function allKeys(): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "COUNT", 500);
    found.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

describe("Redis keys", () => {
  it("every key expires or is documented with its bound", async () => {
    const [ann, bob] = [await newUser(cluster.route.url, "ann"), await newUser(cluster.route.url, "bob")];
    clients.push(ann, bob);
    await ann.send({ text: "to the group" });
    await ann.send({ to: bob.session!.userId, text: "to bob" });
    await bob.waitForText("to bob");
    await bob.waitForText("to the group");
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${cluster.route.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    await post("/api/login", { userName: ann.session!.userName, password: "wrong-password-1" });
    await post("/api/messages", { text: "by http" }, bob.session!.token);
    const room = await ann.api.createRoom(ann.session!.token, { name: "keys", visibility: "public" });
    await ann.api.invite(ann.session!.token, room.roomId, bob.session!.userId);
    await ann.api.sendMessage(ann.session!.token, { room: room.roomId, text: "to the room" });
    await bob.waitForText("to the room");
    await fetch(`${cluster.route.url}/api/admin/stats`, { headers: { authorization: "Bearer wrong-admin-token-000000" } });
    await fetch(`${cluster.route.url}/api/admin/stats`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    // A reply, an edit and a deletion: the conversation's edits and deletions sets (checked below).
    const quoted = await ann.api.sendMessage(ann.session!.token, { to: bob.session!.userId, text: "to be edited" });
    const erased = await ann.api.sendMessage(ann.session!.token, { to: bob.session!.userId, text: "to be deleted" });
    await ann.api.sendMessage(ann.session!.token, { to: bob.session!.userId, text: "a reply", replyTo: quoted.msgId });
    edited = { msgId: quoted.msgId, edit: (await ann.api.sendMessage(ann.session!.token, { to: bob.session!.userId, text: "edited", editOf: quoted.msgId })).msgId };
    deleted = erased.msgId;
    await ann.api.sendMessage(ann.session!.token, { to: bob.session!.userId, text: "", editOf: erased.msgId, delete: true });
    // A page that stops before the edit and the deletion: the read that fills the sets and marks them complete.
    const page = await fetch(`${cluster.route.url}/api/history?with=${bob.session!.userId}&before=${erased.msgId}`, { headers: { authorization: `Bearer ${ann.session!.token}` } });
    expect(page.status).toBe(200);
    await ann.api.block(ann.session!.token, bob.session!.userId);
    await bob.logout();

    const patterns = documentedPatterns();
    expect(patterns.length).toBeGreaterThan(10);
    const unbounded: string[] = [];
    for (const key of await allKeys()) {
      if ((await redis.ttl(key)) > 0) continue;
      if (!patterns.some((p) => p.test(key))) unbounded.push(key);
    }
    expect(unbounded).toEqual([]);
  });

  // CONTRACT's Redis table names the fields of `cim-account:<userId>`: a field written that it does not name fails here.
  it("every field of an account hash is one CONTRACT names", async () => {
    const doc = readFileSync(join(REPO_ROOT, "docs/CONTRACT.md"), "utf8");
    const row = doc.split("\n").find((line) => line.startsWith("| `cim-account:<userId>` | hash |"))!;
    const documented = new Set([...row.split("|")[3]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]));
    expect(documented.has("passwordHash")).toBe(true);
    const accounts = (await allKeys()).filter((key) => /^cim-account:\d+$/.test(key));
    expect(accounts.length).toBeGreaterThan(1);
    const fields = new Set((await Promise.all(accounts.map((key) => redis.hkeys(key)))).flat());
    expect([...fields].filter((field) => !documented.has(field))).toEqual([]);
  });

  // CONTRACT names every key the system writes (its tables, and a user's or conversation's keys by their suffix, as
  // `:logins`): a key that a running stack writes and CONTRACT does not name fails here. The catch-alls of its table
  // (`cim-u:{u:<userId>}:*`, "various") name no key by themselves. Runs after the workload above.
  it("every key the stack wrote is one CONTRACT names", async () => {
    const doc = readFileSync(join(REPO_ROOT, "docs/CONTRACT.md"), "utf8");
    // A code span may go on over a line break (`POST\n  /api/messages`).
    const quoted = [...doc.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\s*\n\s*/g, " "));
    const suffixes = new Set(quoted.filter((q) => /^:[a-z-]+$/.test(q)));
    const patterns = quoted
      .filter((q) => q.startsWith("cim-") && !/\{[uc]:<[^>]+>\}:\*$/.test(q))
      .map((q) => new RegExp(`^${q.replace(/[.+?^${}()[\]\\]/g, "\\$&").replace(/<[^>]+>/g, "[^:]+").replace(/\*/g, ".*")}$`));
    const named = (key: string) => {
      if (patterns.some((p) => p.test(key))) return true;
      const suffix = /^cim-[uc]:\{[uc]:[^}]+\}(:[a-z-]+)$/.exec(key)?.[1];
      return suffix !== undefined && suffixes.has(suffix);
    };
    const keys = await allKeys();
    expect(keys.some((key) => key.endsWith(":logins"))).toBe(true);
    expect(keys.filter((key) => !named(key))).toEqual([]);
  });

  // CONTRACT: `:logins` is a hash `<gatewayId> <sessionId>` → that login's sockets there, written with `:gateways`
  // (gatewayId → sessions there): per gateway, the logins' sockets add up to the count.
  it("a user's logins per gateway add up to its session count there", async () => {
    const logins = (await allKeys()).filter((key) => /^cim-u:\{u:\d+\}:logins$/.test(key));
    expect(logins.length).toBeGreaterThan(0);
    for (const key of logins) {
      const perGateway: Record<string, number> = {};
      for (const [field, sockets] of Object.entries(await redis.hgetall(key))) {
        expect(field).toMatch(/^gw-[a-z]+ [0-9a-f-]{36}$/);
        const gateway = field.split(" ")[0]!;
        perGateway[gateway] = (perGateway[gateway] ?? 0) + Number(sockets);
      }
      const counts = await redis.hgetall(key.replace(/:logins$/, ":gateways"));
      expect(Object.fromEntries(Object.entries(counts).map(([gateway, n]) => [gateway, Number(n)]))).toEqual(perGateway);
    }
  });

  // CONTRACT's Redis table names each key's type: a key the stack wrote of another type fails here. Runs after the
  // workload above.
  it("every key of CONTRACT's Redis table has the type the table names", async () => {
    const doc = readFileSync(join(REPO_ROOT, "docs/CONTRACT.md"), "utf8");
    const table = doc.split("## Redis keys (prefix `cim-`)")[1]!.split("\n\n")[0]!;
    const types: Record<string, string[]> = { hash: ["hash"], string: ["string"], stream: ["stream"], set: ["set"], "sorted set": ["zset"], "set or sorted set": ["set", "zset"] };
    const rows: Array<{ pattern: RegExp; types: string[] }> = [];
    for (const line of table.split("\n")) {
      const [, key, type] = /^\| `([^`]+)` \| ([^|]+) \|/.exec(line) ?? [];
      if (!key || !type || !types[type.trim()]) continue;
      rows.push({ pattern: new RegExp(`^${key.replace(/[.+?^${}()[\]\\]/g, "\\$&").replace(/<[^>]+>/g, "[^:}]+")}$`), types: types[type.trim()]! });
    }
    expect(rows.length).toBeGreaterThan(6);
    const wrong: string[] = [];
    for (const key of await allKeys()) {
      const row = rows.find((r) => r.pattern.test(key));
      if (!row) continue;
      const type = await redis.type(key);
      if (!row.types.includes(type)) wrong.push(`${key}: ${type}, CONTRACT says ${row.types.join(" or ")}`);
    }
    expect(wrong).toEqual([]);
  });

  // CONTRACT: `cim-c:{c:<conv>}:deletions` holds the deleted msgIds scored by the msgId, `:edits` the edited msgIds
  // scored by their newest edit's msgId, each with the member `complete` (score +inf) once it holds every one of the
  // stream. Runs after the workload above.
  it("a conversation's edits and deletions sets hold what CONTRACT says", async () => {
    const keys = await allKeys();
    const setOf = (suffix: string) => keys.filter((key) => key.startsWith("cim-c:{c:p") && key.endsWith(suffix));
    expect(setOf(":edits")).toHaveLength(1);
    expect(setOf(":deletions")).toHaveLength(1);
    const read = async (key: string) => (await redis.zrange(key, 0, -1, "WITHSCORES")).join(" ");
    expect(await read(setOf(":deletions")[0]!)).toBe(`${deleted!} ${deleted!} complete inf`);
    expect(await read(setOf(":edits")[0]!)).toBe(`${edited!.msgId} ${edited!.edit} complete inf`);
  });

  // CONTRACT's retention: "One route process sweeps per interval, holding `cim-sweep:retention` (its instance, lapsing
  // with the interval)", a tenth of the limit within a minute and an hour: an hour for a day's limit.
  it("route's sweep turn is one key that lapses within the interval", async () => {
    const ttl = await redis.pttl("cim-sweep:retention");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await redis.get("cim-sweep:retention")).toMatch(/\S/);
  });

  // CONTRACT: "Redis keys (prefix `cim-`)": an operator sharing a Redis finds, backs up or grants (ACL `~cim-*`) the
  // system's keys by it, those that expire too. Runs after the workload above.
  it("every key, expiring or not, begins with cim-", async () => {
    const keys = await allKeys();
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((key) => !key.startsWith("cim-"))).toEqual([]);
  });
});

// CONTRACT's ZooKeeper layout: `/cim/gateways` holds one ephemeral sequential child per live gateway, `gw-0000000007`,
// whose data is `{"id","wsUrl","startedAt"}` JSON, plus the `instance` field of the additions.
describe("ZooKeeper layout", () => {
  it("each live gateway is one ephemeral gw-<10 digits> child of /cim/gateways with the documented JSON", async () => {
    const session = new ZkSession(cluster.zookeeper.address, { sessionTimeoutMs: 10_000 });
    await session.start();
    try {
      const client = await new Promise<Parameters<Parameters<ZkSession["onSession"]>[0]>[0]>((resolve) => session.onSession(resolve));
      const names = await zk.getChildren(client, GATEWAYS_PATH);
      const nodes = await Promise.all(names.map(async (name) => {
        const { data, stat } = await zk.getData(client, `${GATEWAYS_PATH}/${name}`);
        return { name, data: JSON.parse(data.toString("utf8")) as Record<string, unknown>, ephemeral: !stat.ephemeralOwner.equals(Buffer.alloc(8)) };
      }));
      expect(nodes.length).toBe(cluster.gateways.length);
      for (const node of nodes) {
        expect(node.name).toMatch(/^gw-\d{10}$/);
        expect(node.ephemeral).toBe(true);
        expect(Object.keys(node.data).sort()).toEqual(["id", "instance", "startedAt", "wsUrl"]);
        expect(node.data).toMatchObject({ id: expect.stringMatching(/^gw-/), wsUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/), startedAt: expect.any(Number), instance: expect.any(String) });
      }
      expect(nodes.map((node) => (node.data.wsUrl as string).split(":")[2]!.split("/")[0]).sort()).toEqual(cluster.gateways.map((g) => String(g.port)).sort());
    } finally {
      session.close();
    }
  });
});
