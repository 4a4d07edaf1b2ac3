// `node --import tsx scripts/delivery-fault-probe.ts [--scenario NAME,...] [--messages N] [--rate N] [--seed N]`: users
// with several SDK devices (3, 2, 1, 1) on both gateways talk in private chats, two rooms and the group at once
// (messages, edits, deletions, reactions; some over POST /api/messages) while faults happen; one JSON line per
// scenario with the counts of scripts/delivery-ledger.ts. Not in `npm test` (what it found became tests). Scenarios:
//   gw-kill          SIGKILL gw-a, restart it              kill-both   gw-a, then gw-b, each killed and restarted
//   redis            stop Redis (SIGTERM), start it on its port and AOF      redis-kill   the same with SIGKILL
//   zookeeper        stop ZooKeeper 3 s, start it again     zk-expiry   gw-a killed while ZooKeeper is down 8 s
//   all              SIGKILL gw-a while Redis and ZooKeeper restart     gw-during-redis   gw-a killed, started while Redis is down
//   http, http-redis gw-kill / redis with 40% of the sends over HTTP
//   removal          the owner removes a two-device member from a room during a gw-a kill
//   removal-redis    the same as Redis comes back
//   redis-long       redis-kill with Redis down 14 s
//   renames          the owner renames room 0 six times (answered 200) around a gw-a kill and restart
//   gw-stop          SIGSTOP gw-a 15 s, SIGCONT                gw-restart   SIGTERM gw-a, start it again
//   zk-30            ZooKeeper stopped 30 s, started            route-stop   route SIGSTOPped 10 s while gw-a is killed
//   route-stop-long  the same with route SIGSTOPped 40 s (past the SDK's 30 s request timeout)
//   abuse-redis      a client on each gateway sends bad input throughout (scripts/abuser.ts) while Redis restarts
//   zk-30-kill       gw-a killed 5 s into a 30 s ZooKeeper outage, started after it     gw-stop-long  SIGSTOP gw-a 50 s
//   route-kill       route SIGKILLed, gw-a killed 1 s later, fresh logins meanwhile; route started again 8 s later
//   quorum-kill      cluster layout: two of three ZooKeeper servers SIGKILLed, gw-a SIGKILLed 1 s later; quorum back 20 s on
//   route-term       route SIGTERMed (graceful) with gw-a killed, 40% of sends over HTTP, fresh logins; started 2 s later
//   route-stop-15    route SIGSTOPped 15 s while gw-a is killed and fresh logins are tried (30% of sends over HTTP)
//   zk-lease-stop    ZooKeeper down 23 s, gw-a SIGSTOPped 11 s of it with a 3 s lease (released, then claims again)
//   zk-lease-redis-cut  the same with gw-a's link to Redis cut 11 s (a proxy that stops forwarding, new connections too)
//   redis-cut        gw-a's link to Redis cut 11 s (ZooKeeper up)
//   redis-loading    Redis holds 3M filler keys in a plain AOF (~400 MB): killed and started, it answers LOADING ~4 s
//   loading-start    the same, with route and gw-a killed too and started while Redis loads
//   aof-rewrite      the same filler: BGREWRITEAOF under load (a fork), then Redis SIGKILLed during a second rewrite
import { readFlags } from "./cli-flags.mjs";
import { CimApiError, RouteApi, type SendAck, type SendInput } from "@cim/client";
import { deviceOn as devstackDeviceOn, inOrder, ping, RecordingClient, startCluster, startLinkProxy, waitUntil, type Cluster, type LinkProxy } from "@cim/devstack";
import { Redis } from "ioredis";
import { startAbuser } from "./abuser.js";
import { compareWithHistory, Ledger, noHistoryCounts, type HistoryCounts, type ProbeDevice } from "./delivery-ledger.js";

const values = readFlags(import.meta.url, { scenario: { type: "string", default: "all-scenarios" }, messages: { type: "string", default: "400" }, rate: { type: "string", default: "60" }, seed: { type: "string", default: "7" } });
const MESSAGES = Number(values.messages);
const RATE = Number(values.rate);
const PASSWORD = "cim-probe-pass-1";
/** Devices per user: user 0 has three, user 1 two. */
const DEVICES = [3, 2, 1, 1];
const EMOJI = ["👍", "❤️", "😂", "🎉"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface World {
  stack: Cluster;
  users: Array<{ name: string; userId: string; token: string }>;
  devices: ProbeDevice[];
  rooms: Array<{ roomId: string; members: Set<number> }>;
  /** Per room: users removed, with when the removal was asked and when it was answered (204). */
  removals: Map<string, Map<number, { answered: number }>>;
  ledger: Ledger;
  /** Sends refused (not acknowledged). */
  rejected: Array<{ what: string; conversation: string; target?: string; code: string }>;
  /** Room 0's names given by renames answered 200, in order; per device, the renamed events it got for room 0. */
  renames: string[];
  renamedSeen: string[][];
}

interface Scenario {
  httpShare?: number;
  /** The cluster layout: Redis Cluster 3+3 and a ZooKeeper ensemble of 3. */
  layout?: "cluster";
  /** Extra env of every app of the scenario's cluster. */
  env?: Record<string, string>;
  /** Runs on the started cluster before the users and devices are set up. */
  prepare?: (stack: Cluster) => Promise<void>;
  faults: (w: World, note: (what: string) => void) => Map<number, () => Promise<void>>;
}

const at = (share: number) => Math.floor(MESSAGES * share);
const killGw = (w: World) => w.stack.gateways[0]!.stop("SIGKILL");
const restartGw = async (w: World) => void (w.stack.gateways[0] = await w.stack.startGateway("gw-a"));

/** The proxy of the scenario that puts one (zk-lease-redis-cut). */
let redisLink: LinkProxy | undefined;

const freeze = async (app: { process: { child: { kill: (s: NodeJS.Signals) => boolean } } }, ms: number) => {
  app.process.child.kill("SIGSTOP");
  await sleep(ms);
  app.process.child.kill("SIGCONT");
};

/** gw-a reaches Redis through a proxy that a fault can cut (its connections and new ones stall: a firewall). */
async function redisThroughProxy(stack: Cluster): Promise<void> {
  redisLink = await startLinkProxy(stack.redis.port);
  await stack.gateways[0]!.stop("SIGTERM");
  stack.gateways[0] = await stack.startGateway("gw-a", { REDIS_URL: `redis://127.0.0.1:${redisLink.port}` });
}

/** gw-a's link to Redis cut 11 s, with ZooKeeper down 23 s around it when `withZookeeper`; presence noted. */
function redisCut(w: World, note: (what: string) => void, withZookeeper: boolean) {
  return inOrder([[at(0.2), async () => {
    const api = new RouteApi(w.stack.route.url);
    const onlyOnA = [w.users[2]!.userId, w.users[3]!.userId];
    const online = async () => (await api.lastSeen(w.users[0]!.token, onlyOnA)).users.map((u) => u.online).join("/");
    const count = (output: string, what: string) => output.split("\n").filter((l) => l.includes(what)).length;
    if (withZookeeper) await w.stack.zookeeper.stop("SIGTERM");
    await sleep(2_000);
    redisLink!.cut();
    await sleep(11_000);
    note(`gw-a's Redis link cut 11 s${withZookeeper ? " in a ZooKeeper outage (lease 3 s)" : ""}: users only on gw-a online ${await online()}`);
    redisLink!.resume();
    await sleep(6_000);
    note(`link back; 6 s later online ${await online()}; route releases ${count(w.stack.route.process.output(), "whose lease lapsed")}, gw-a reclaims ${count(w.stack.gateways[0]!.process.output(), "claiming them again")}, gw-a warn/error lines ${count(w.stack.gateways[0]!.process.output(), '"level":40') + count(w.stack.gateways[0]!.process.output(), '"level":50')}`);
    if (!withZookeeper) return;
    await sleep(4_000);
    await w.stack.zookeeper.restart();
    await sleep(8_000);
    note(`zookeeper back after 23 s; 8 s later online ${await online()}`);
  }]]);
}

/** Filler keys that make Redis's AOF large (plain commands, no RDB preamble): loading it takes seconds. */
async function fillRedis(stack: Cluster, keys = 3_000_000): Promise<void> {
  const admin = new Redis(stack.redis.address);
  try {
    await admin.call("DEBUG", "POPULATE", String(keys), "filler", "100");
    await admin.config("SET", "aof-use-rdb-preamble", "no");
    await rewriteAof(admin);
  } finally {
    admin.disconnect();
  }
}

/** BGREWRITEAOF, then waits for it to end; the rewrite's milliseconds. */
async function rewriteAof(admin: Redis): Promise<number> {
  const started = Date.now();
  await admin.bgrewriteaof();
  await waitUntil(async () => /aof_rewrite_in_progress:0/.test(await admin.info("persistence")), 120_000, "the AOF rewrite");
  return Date.now() - started;
}

/** Polls Redis with PING until it answers PONG (not LOADING, nor silence while it loads): the milliseconds until then. */
async function loadingFor(stack: Cluster): Promise<number> {
  const started = Date.now();
  await waitUntil(() => ping(stack.redis.port, "PING\r\n", "+PONG"), 120_000, "Redis to load");
  return Date.now() - started;
}

/**
 * How long after Redis stopped answering LOADING (`loadedAt`) each app's connections said "Redis ready" (the last
 * such line after `since`): ioredis' ready check waits out Redis' loading estimate before it asks again.
 */
function readyAfterLoading(w: World, since: number, loadedAt: number): string {
  const apps = [["route", w.stack.route], ...w.stack.gateways.map((g, i) => [`gw${i}`, g] as const)] as const;
  return apps.map(([label, app]) => {
    const times = app.process.output().split("\n").filter((l) => l.includes('"msg":"Redis ready"')).map((l) => Number(/"time":(\d+)/.exec(l)?.[1] ?? 0)).filter((t) => t >= since);
    return `${label} ${times.length ? `${Math.max(...times) - loadedAt} ms` : "no ready line"}`;
  }).join(", ");
}

/** Each app's warn/error lines (pino levels 40, 50, 60) and whether it exited, as a note. */
function appLogs(w: World): string {
  const apps = [["route", w.stack.route], ...w.stack.gateways.map((g, i) => [`gw${i}`, g] as const)] as const;
  return apps.map(([label, app]) => {
    const lines = app.process.output().split("\n").filter((l) => /"level":(40|50|60)/.test(l));
    const kinds = new Map<string, number>();
    for (const line of lines) {
      const msg = `${/"msg":"([^"]{0,70})/.exec(line)?.[1] ?? line.slice(0, 70)}${/"message":"([^"]{0,60})/.exec(line)?.[1] ? ` (${/"message":"([^"]{0,60})/.exec(line)![1]})` : ""}`;
      kinds.set(msg, (kinds.get(msg) ?? 0) + 1);
    }
    return `${label}${app.process.child.exitCode !== null ? " EXITED" : ""}: ${JSON.stringify(Object.fromEntries(kinds))}`;
  }).join("; ");
}

const scenarios: Record<string, Scenario> = {
  "redis-loading": {
    prepare: (stack) => fillRedis(stack),
    faults: (w, note) => inOrder([
      [at(0.3), async () => {
        const since = Date.now();
        await w.stack.redis.stop("SIGKILL");
        await w.stack.redis.restart();
        note(`redis killed and started on its large AOF: LOADING for ${await loadingFor(w.stack)} ms`);
        const loadedAt = Date.now();
        await sleep(12_000);
        note(`ready after loading: ${readyAfterLoading(w, since, loadedAt)}`);
      }],
      [at(0.99), async () => { await sleep(5_000); note(appLogs(w)); }],
    ]),
  },
  "loading-start": {
    prepare: (stack) => fillRedis(stack),
    faults: (w, note) => inOrder([
      [at(0.3), async () => {
        const since = Date.now();
        await Promise.all([w.stack.redis.stop("SIGKILL"), killGw(w), w.stack.route.stop("SIGKILL")]);
        await w.stack.redis.restart();
        let loadedAt = 0;
        const loading = loadingFor(w.stack).then((ms) => ((loadedAt = Date.now()), ms));
        const started = Date.now();
        const route = w.stack.restartRoute().then(() => `route ready after ${Date.now() - started} ms`, (error: Error) => `route failed: ${error.message.slice(0, 300)}`);
        const gateway = restartGw(w).then(() => `gw-a ready after ${Date.now() - started} ms`, (error: Error) => `gw-a failed: ${error.message.slice(0, 300)}`);
        note(`redis, gw-a and route killed, all started: LOADING for ${await loading} ms; ${await route}; ${await gateway}`);
        await sleep(2_000);
        note(`ready after loading: ${readyAfterLoading(w, since, loadedAt)}`);
      }],
      [at(0.99), async () => { await sleep(5_000); note(appLogs(w)); }],
    ]),
  },
  "aof-rewrite": {
    prepare: (stack) => fillRedis(stack),
    faults: (w, note) => inOrder([
      [at(0.2), async () => {
        const admin = new Redis(w.stack.redis.address);
        try {
          note(`rewrite under load took ${await rewriteAof(admin)} ms`);
          await admin.bgrewriteaof();
          await sleep(700);
          note(`second rewrite in progress: ${/aof_rewrite_in_progress:1/.test(await admin.info("persistence"))}`);
        } finally {
          admin.disconnect();
        }
        await w.stack.redis.stop("SIGKILL");
        await w.stack.redis.restart();
        note(`redis killed during the rewrite, started: LOADING for ${await loadingFor(w.stack)} ms`);
      }],
      [at(0.99), async () => { await sleep(5_000); note(appLogs(w)); }],
    ]),
  },
  "gw-stop": { faults: (w, note) => inOrder([[at(0.2), async () => { await freeze(w.stack.gateways[0]!, 15_000); note("gw-a stopped 15 s, continued"); }]]) },
  "gw-restart": { faults: (w, note) => inOrder([[at(0.3), async () => { await w.stack.gateways[0]!.stop("SIGTERM"); await restartGw(w); note("gw-a stopped (SIGTERM) and started"); }]]) },
  "zk-30": { faults: (w, note) => inOrder([[at(0.2), async () => { await w.stack.zookeeper.stop("SIGTERM"); await sleep(30_000); await w.stack.zookeeper.restart(); note("zookeeper down 30 s, restarted"); }]]) },
  "abuse-redis": {
    faults: (w, note) => inOrder([[0, async () => {
      const urls = () => w.stack.gateways.map((g) => `${g.url.replace(/^http/, "ws")}/ws`);
      const abuser = await startAbuser(w.stack.route.url, urls, w.rooms[1]!.roomId, w.users[0]!.userId);
      await sleep(4_000);
      await w.stack.redis.stop("SIGKILL");
      await sleep(2_000);
      await w.stack.redis.restart();
      note("redis killed and restarted under abuse");
      await sleep(8_000);
      note(`abuser answers: ${JSON.stringify(await abuser.stop())}`);
    }]]),
  },
  "gw-stop-long": { faults: (w, note) => inOrder([[at(0.2), async () => { await freeze(w.stack.gateways[0]!, 50_000); note("gw-a stopped 50 s (past the clients' 45 s heartbeat), continued"); }]]) },
  "zk-30-kill": {
    faults: (w, note) => inOrder([[at(0.2), async () => {
      await w.stack.zookeeper.stop("SIGTERM");
      await sleep(5_000);
      await killGw(w);
      await sleep(25_000);
      await w.stack.zookeeper.restart();
      note("gw-a killed 5 s into a 30 s ZooKeeper outage");
      await restartGw(w);
      note("gw-a restarted");
    }]]),
  },
  "zk-lease-stop": {
    env: { CIM_GATEWAY_LEASE_MS: "3000" },
    faults: (w, note) => inOrder([[at(0.2), async () => {
      // Users 2 and 3 have their one device on gw-a: released while it is frozen, claimed again once it runs.
      const api = new RouteApi(w.stack.route.url);
      const onlyOnA = [w.users[2]!.userId, w.users[3]!.userId];
      const online = async () => (await api.lastSeen(w.users[0]!.token, onlyOnA)).users.map((u) => u.online).join("/");
      await w.stack.zookeeper.stop("SIGTERM");
      await sleep(2_000);
      const gwA = w.stack.gateways[0]!.process.child;
      gwA.kill("SIGSTOP");
      await sleep(11_000);
      note(`gw-a frozen 11 s in a ZooKeeper outage (lease 3 s): users only on gw-a online ${await online()}`);
      gwA.kill("SIGCONT");
      await sleep(4_000);
      const count = (output: string, what: string) => output.split("\n").filter((l) => l.includes(what)).length;
      note(`gw-a continued; 4 s later online ${await online()}; route releases ${count(w.stack.route.process.output(), "whose lease lapsed")}, gw-a reclaims ${count(w.stack.gateways[0]!.process.output(), "claiming them again")}`);
      await sleep(6_000);
      await w.stack.zookeeper.restart();
      await sleep(8_000);
      note(`zookeeper back after 23 s; 8 s later online ${await online()}`);
    }]]),
  },
  "zk-lease-redis-cut": { env: { CIM_GATEWAY_LEASE_MS: "3000" }, prepare: (stack) => redisThroughProxy(stack), faults: (w, note) => redisCut(w, note, true) },
  "redis-cut": { prepare: (stack) => redisThroughProxy(stack), faults: (w, note) => redisCut(w, note, false) },
  "route-stop": { faults: (w, note) => routeStop(w, note, 10_000) },
  "route-stop-15": { httpShare: 0.3, faults: (w, note) => routeStop(w, note, 15_000, true) },
  "route-kill": {
    httpShare: 0.3,
    faults: (w, note) => inOrder([[at(0.2), async () => {
      await w.stack.route.stop("SIGKILL");
      await sleep(1_000);
      await killGw(w);
      const logins = freshLogins(w, note);
      await sleep(7_000);
      await w.stack.restartRoute();
      note("route killed 8 s (gw-a killed 1 s in), started again");
      await logins;
      await restartGw(w);
      note("gw-a restarted");
    }]]),
  },
  "quorum-kill": {
    layout: "cluster",
    faults: (w, note) => inOrder([[at(0.25), async () => {
      const [, second, third] = w.stack.ensemble!.servers;
      await Promise.all([second!.stop("SIGKILL"), third!.stop("SIGKILL")]);
      await sleep(1_000);
      await killGw(w);
      note("two of three ZooKeeper servers and gw-a SIGKILLed");
      await sleep(20_000);
      await Promise.all([second!.restart(), third!.restart()]);
      note("ZooKeeper quorum back after 21 s");
      await restartGw(w);
      note("gw-a restarted");
    }]]),
  },
  "route-term": {
    httpShare: 0.4,
    faults: (w, note) => inOrder([[at(0.3), async () => {
      // A rolling restart: route stopped gracefully (SIGTERM) under HTTP sends, reconnects and fresh logins.
      await w.stack.route.stop("SIGTERM");
      const logins = freshLogins(w, note);
      await killGw(w);
      await sleep(2_000);
      await w.stack.restartRoute();
      note("route stopped (SIGTERM) with gw-a killed, started again 2 s later");
      await logins;
      await restartGw(w);
      note("gw-a restarted");
    }]]),
  },
  "route-stop-long": { faults: (w, note) => routeStop(w, note, 40_000) },
  "gw-kill": { faults: (w, note) => inOrder([[at(0.25), async () => { await killGw(w); note("gw-a killed"); }], [at(0.55), async () => { await restartGw(w); note("gw-a restarted"); }]]) },
  redis: { faults: (w, note) => inOrder([[at(0.3), async () => { await w.stack.redis.stop("SIGTERM"); await sleep(1_500); await w.stack.redis.restart(); note("redis restarted"); }]]) },
  "redis-long": { faults: (w, note) => inOrder([[at(0.3), async () => { await w.stack.redis.stop("SIGKILL"); await sleep(14_000); await w.stack.redis.restart(); note("redis killed for 14 s (past the 10 s resend grace), restarted"); }]]) },
  "redis-kill": { faults: (w, note) => inOrder([[at(0.3), async () => { await w.stack.redis.stop("SIGKILL"); await sleep(1_500); await w.stack.redis.restart(); note("redis killed, restarted"); }]]) },
  zookeeper: { faults: (w, note) => inOrder([[at(0.3), async () => { await w.stack.zookeeper.stop("SIGTERM"); await sleep(3_000); await w.stack.zookeeper.restart(); note("zookeeper restarted"); }]]) },
  all: {
    faults: (w, note) => inOrder([
      [at(0.25), async () => {
        await Promise.all([killGw(w), w.stack.redis.stop("SIGTERM"), w.stack.zookeeper.stop("SIGTERM")]);
        await sleep(2_000);
        await Promise.all([w.stack.redis.restart(), w.stack.zookeeper.restart()]);
        note("gw-a killed while redis and zookeeper restarted");
      }],
      [at(0.6), async () => { await restartGw(w); note("gw-a restarted"); }],
    ]),
  },
  "http-redis": { httpShare: 0.4, faults: (w, note) => scenarios.redis!.faults(w, note) },
  "zk-expiry": {
    faults: (w, note) => inOrder([
      [at(0.2), async () => {
        await w.stack.zookeeper.stop("SIGKILL");
        await killGw(w);
        await sleep(8_000); // past ZK_SESSION_TIMEOUT_MS (6 s): every session expires
        await w.stack.zookeeper.restart();
        note("gw-a killed while zookeeper was down past the session timeout");
      }],
      [at(0.8), async () => { await restartGw(w); note("gw-a restarted"); }],
    ]),
  },
  "kill-both": {
    faults: (w, note) => inOrder([
      [at(0.2), async () => { await killGw(w); note("gw-a killed"); }],
      [at(0.4), async () => { await restartGw(w); note("gw-a restarted"); }],
      [at(0.6), async () => { await w.stack.gateways[1]!.stop("SIGKILL"); note("gw-b killed"); }],
      [at(0.8), async () => { w.stack.gateways[1] = await w.stack.startGateway("gw-b"); note("gw-b restarted"); }],
    ]),
  },
  "gw-during-redis": {
    faults: (w, note) => inOrder([
      [at(0.2), async () => {
        await w.stack.redis.stop("SIGTERM");
        await killGw(w);
        const restarted = restartGw(w);
        await sleep(2_000);
        await w.stack.redis.restart();
        await restarted;
        note("gw-a killed and started again while Redis was down");
      }],
    ]),
  },
  http: { httpShare: 0.4, faults: (w, note) => scenarios["gw-kill"]!.faults(w, note) },
  "removal-redis": {
    faults: (w, note) => inOrder([
      [at(0.3), async () => {
        await w.stack.redis.stop("SIGTERM");
        await sleep(1_000);
        await w.stack.redis.restart();
        await removeUser(w, 0, 1);
        note("user 1 removed from room 0 as Redis came back");
      }],
    ]),
  },
  renames: {
    faults: (w, note) => inOrder([
      [at(0.2), async () => { await rename(w, 1); await rename(w, 2); note("renamed twice"); }],
      [at(0.3), async () => { const killed = killGw(w); await rename(w, 3); await killed; await rename(w, 4); note("renamed during a gw-a kill"); }],
      [at(0.6), async () => { const restarted = restartGw(w); await rename(w, 5); await restarted; await rename(w, 6); note("renamed as gw-a restarted"); }],
    ]),
  },
  removal: {
    httpShare: 0.2,
    faults: (w, note) => inOrder([
      [at(0.3), async () => {
        const killed = killGw(w);
        await removeUser(w, 0, 1);
        await killed;
        note("user 1 removed from room 0 during a gw-a kill");
      }],
      [at(0.6), async () => { await restartGw(w); note("gw-a restarted"); }],
    ]),
  },
};

/** Route frozen for `ms` while gw-a is killed: gw-a's devices reconnect through it (requests time out at 30 s). */
function routeStop(w: World, note: (what: string) => void, ms: number, logins = false) {
  return inOrder([[at(0.2), async () => {
    const route = w.stack.route.process.child;
    route.kill("SIGSTOP");
    await killGw(w);
    const tried = logins ? freshLogins(w, note) : Promise.resolve();
    await sleep(ms);
    route.kill("SIGCONT");
    note(`route stopped ${ms / 1000} s while gw-a was killed (its devices reconnect through route)`);
    await tried;
    await restartGw(w);
    note("gw-a restarted");
  }]]);
}

/**
 * A new device of user 3 logs in through the SDK (as the web app's login form) while route is down, trying again
 * 1 s after each failure: notes each failure's error and how long until the login and its first message came.
 */
async function freshLogins(w: World, note: (what: string) => void): Promise<void> {
  const started = Date.now();
  const errors: Record<string, number> = {};
  for (;;) {
    const client = new RecordingClient(w.stack.route.url, { backoff: { baseMs: 100, maxMs: 1_000 } });
    const tried = Date.now();
    try {
      await client.logIn(w.users[3]!.name, PASSWORD);
      note(`fresh login after ${Date.now() - started} ms (${JSON.stringify(errors)}); last attempt took ${Date.now() - tried} ms, gateway ${client.gateway?.id}`);
      const ack = await client.send({ to: w.users[0]!.userId, text: "from the fresh login" });
      note(`fresh login's send acked ${ack.msgId}`);
      client.close();
      return;
    } catch (error) {
      const key = `${error instanceof CimApiError ? `${error.status} ${error.code}` : (error as Error).message} in ~${Math.round((Date.now() - tried) / 1000)} s`;
      errors[key] = (errors[key] ?? 0) + 1;
      client.close();
      if (Date.now() - started > 90_000) return note(`fresh login never succeeded: ${JSON.stringify(errors)}`);
      await sleep(1_000);
    }
  }
}

/** The owner renames room 0 to `renamed n` (again after a 5xx or no answer). */
async function rename(w: World, n: number): Promise<void> {
  const api = new RouteApi(w.stack.route.url);
  for (;;) {
    try {
      await api.renameRoom(w.users[0]!.token, w.rooms[0]!.roomId, `renamed ${n}`);
      w.renames.push(`renamed ${n}`);
      return;
    } catch (error) {
      if (!(error instanceof CimApiError && (error.status === 0 || error.status >= 500))) throw error;
      await sleep(50);
    }
  }
}

/** The owner removes `user` from room `r` (again after a 503), noting when it asked and when it got the 204. */
async function removeUser(w: World, r: number, user: number): Promise<void> {
  const room = w.rooms[r]!;
  const removed = w.removals.get(room.roomId) ?? new Map<number, { answered: number }>();
  w.removals.set(room.roomId, removed);
  for (;;) {
    try {
      await w.devices[0]!.client.removeMember(room.roomId, w.users[user]!.userId);
      break;
    } catch (error) {
      if (!(error instanceof CimApiError && (error.status === 0 || error.status >= 500))) throw error;
      await sleep(50);
    }
  }
  removed.set(user, { answered: Date.now() });
  w.ledger.removed(`r ${room.roomId}`, w.devices.flatMap((d, i) => (d.user === user ? [i] : [])));
  room.members.delete(user);
}

async function setUp(stack: Cluster): Promise<World> {
  const api = new RouteApi(stack.route.url);
  const users = [];
  for (const [u] of DEVICES.entries()) {
    const name = `p${u}-${Math.random().toString(36).slice(2, 7)}`;
    const { userId } = await api.register(name, PASSWORD);
    users.push({ name, userId, token: (await api.login(name, PASSWORD)).token });
  }
  const rooms: Array<{ roomId: string; members: Set<number> }> = [];
  for (const members of [new Set([0, 1, 2, 3]), new Set([0, 1, 2])]) {
    const { roomId } = await api.createRoom(users[0]!.token, { name: `probe ${rooms.length}`, visibility: "private" });
    for (const m of members) if (m !== 0) await api.invite(users[0]!.token, roomId, users[m]!.userId);
    rooms.push({ roomId, members });
  }
  const devices: ProbeDevice[] = [];
  // Each user's devices alternate between the gateways.
  for (let round = 0; round < 3; round++) {
    for (const [u, count] of DEVICES.entries()) {
      if (round >= count) continue;
      const client = await deviceOn(stack, users[u]!.name, round % 2 === 0 ? "gw-a" : "gw-b");
      devices.push({ user: u, client, gateway: client.gateway!.id });
    }
  }
  const renamedSeen = devices.map(() => [] as string[]);
  for (const [d, device] of devices.entries()) device.client.onRoomEvent((e) => void (e.kind === "renamed" && e.room === rooms[0]!.roomId && renamedSeen[d]!.push(e.name)));
  return { stack, users, devices, rooms, removals: new Map(), ledger: new Ledger(devices), rejected: [], renames: [], renamedSeen };
}

/** A device of user `name` on gateway `id`, resending unanswered Sends after 500 ms. */
const deviceOn = (stack: Cluster, name: string, id: string): Promise<RecordingClient> =>
  devstackDeviceOn(stack.route.url, name, PASSWORD, id, { resendAfterMs: 500, backoff: { baseMs: 100, maxMs: 1_000 } });

/** The devices a send is for, and those it must never reach (a room's removed members, sent after the 204). */
function audience(w: World, target: { room?: string; to?: string }, sender: number, device: number, startedAt: number) {
  const users = target.room ? w.rooms.find((r) => r.roomId === target.room)!.members : target.to ? new Set([sender, w.users.findIndex((u) => u.userId === target.to)]) : new Set(w.users.keys());
  const must = w.devices.flatMap((d, i) => (i !== device && users.has(d.user) ? [i] : []));
  const mustNot: number[] = [];
  const may: number[] = [];
  for (const [u, { answered }] of (target.room && w.removals.get(target.room)) || []) {
    const devicesOf = w.devices.flatMap((d, i) => (d.user === u && i !== device ? [i] : []));
    (startedAt > answered ? mustNot : may).push(...devicesOf);
  }
  return { must, mustNot, may };
}

/** POST /api/messages as a client would: the same clientMsgId again after a 503 or no answer, for up to 20 s. */
async function sendHttp(client: RecordingClient, input: SendInput & { clientMsgId: string }): Promise<{ msgId: string } | null> {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      return await client.sendHttp(input);
    } catch (error) {
      const transient = error instanceof CimApiError && (error.status === 0 || error.status >= 500 || error.status === 429);
      if (!transient || Date.now() > until) return null;
      await sleep(300);
    }
  }
}

let sends = 0;

/** One random action of one device: a message, an edit or deletion of its own, or a reaction, by socket or HTTP. */
function act(w: World, i: number, random: () => number, httpShare: number): Promise<void> {
  const device = Math.floor(random() * w.devices.length);
  const { user, client } = w.devices[device]!;
  const pick = random();
  const rooms = w.rooms.filter((r) => r.members.has(user));
  const peers = w.users.filter((_, u) => u !== user);
  const target = pick < 0.15 ? {} : pick < 0.5 && rooms.length ? { room: rooms[Math.floor(random() * rooms.length)]!.roomId } : { to: peers[Math.floor(random() * peers.length)]!.userId };
  const conversation = target.room ? `r ${target.room}` : target.to ? `p ${[w.users[user]!.userId, target.to].sort().join("-")}` : "g";
  const mine = w.ledger.acked.filter((a) => a.conversation === conversation && a.user === user && !a.text.startsWith("ev"));
  const any = w.ledger.acked.filter((a) => a.conversation === conversation && !a.text.startsWith("ev"));
  const choice = random();
  let input: SendInput = { ...target, text: `m${i} d${device}` };
  if (choice < 0.1 && mine.length) input = { ...target, text: `ev${i} edit d${device}`, editOf: mine.at(-1 - Math.floor(random() * Math.min(3, mine.length)))!.msgId, delete: choice < 0.03 };
  else if (choice < 0.2 && any.length) input = { ...target, text: `ev${i} react d${device}`, reactTo: any.at(-1 - Math.floor(random() * Math.min(5, any.length)))!.msgId, reaction: EMOJI[i % EMOJI.length]! };
  else if (choice < 0.3 && any.length) input = { ...target, text: `m${i} reply d${device}`, replyTo: any.at(-1 - Math.floor(random() * Math.min(5, any.length)))!.msgId };
  const startedAt = Date.now();
  const viaHttp = random() < httpShare;
  const answer: Promise<SendAck | { msgId: string } | null> = viaHttp
    ? sendHttp(client, { ...input, text: input.reactTo || input.delete ? "" : input.text, clientMsgId: `probe-${++sends}` })
    : client.send(input).catch((error: unknown) => {
      const what = input.reactTo ? "react" : input.editOf ? "edit" : input.replyTo ? "reply" : "message";
      w.rejected.push({ what, conversation, target: input.reactTo ?? input.editOf ?? input.replyTo, code: (error as { code?: string }).code ?? (error as Error).message });
      return null;
    });
  return answer.then((ack) => {
    if (!ack) return;
    const from = viaHttp ? -1 : device;
    const { must, mustNot, may } = audience(w, target, user, from, startedAt);
    w.ledger.add({ conversation, msgId: ack.msgId, device: from, user, text: input.text, deletes: input.delete ? input.editOf : undefined, edits: input.editOf && !input.delete ? input.editOf : undefined }, must, mustNot, may);
  });
}

/**
 * Each device against GET /api/history of each of its user's conversations (as after a reconnect): entries history
 * holds that the device never got (its own sends aside), entries it got that history lacks, and pairs it got in
 * another order than history's.
 */
async function againstHistory(w: World): Promise<HistoryCounts> {
  const api = new RouteApi(w.stack.route.url);
  const counts = noHistoryCounts();
  const ownOf = new Map(w.ledger.acked.map((a) => [a.msgId, a.device]));
  for (const [d, device] of w.devices.entries()) {
    const { userId, token } = w.users[device.user]!;
    const targets = [{}, ...w.rooms.filter((r) => r.members.has(device.user)).map((r) => ({ room: r.roomId })), ...w.users.filter((u) => u.userId !== userId).map((u) => ({ with: u.userId }))];
    for (const target of targets) {
      const { messages } = await api.history(token, { ...target, limit: 200 });
      compareWithHistory(counts, d, device, messages, ownOf);
    }
  }
  return counts;
}

/** Renames of room 0: per device got live, duplicated, out of order; and history's renamed events against the 200s. */
async function renameCounts(w: World): Promise<Record<string, unknown>> {
  if (w.renames.length === 0) return {};
  const { events = [] } = await new RouteApi(w.stack.route.url).history(w.users[0]!.token, { room: w.rooms[0]!.roomId, limit: 200 });
  const inHistory = events.filter((e) => e.kind === "renamed").map((e) => e.name);
  const live = w.renamedSeen.map((seen) => ({ got: seen.length, duplicated: seen.length - new Set(seen).size, outOfOrder: seen.filter((name, i) => i > 0 && w.renames.indexOf(name) < w.renames.indexOf(seen[i - 1]!)).length }));
  return { renames: w.renames.length, renamesInHistory: inHistory.join("|") === w.renames.join("|") ? "all, in order" : inHistory, renamesLive: live };
}

/** The refused sends by kind and code, saying which named a message deleted (by the end: deletions race them). */
function refusals(w: World): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of w.rejected) {
    const deleted = r.target !== undefined && w.ledger.acked.some((a) => a.conversation === r.conversation && a.deletes === r.target);
    const why = `${r.what}${deleted ? " of a deleted message" : ""}: ${r.code}`;
    counts[why] = (counts[why] ?? 0) + 1;
  }
  return counts;
}

async function runScenario(name: string, scenario: Scenario): Promise<void> {
  const stack = await startCluster({ gateways: 2, layout: scenario.layout ?? "single", env: scenario.env, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  let w: World | undefined;
  try {
    await scenario.prepare?.(stack);
    w = await setUp(stack);
    const notes: string[] = [];
    const schedule = scenario.faults(w, (what) => notes.push(what));
    let seed = Number(values.seed);
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pending: Array<Promise<void>> = [];
    const started = Date.now();
    for (let i = 0; i < MESSAGES; i++) {
      const fault = schedule.get(i);
      if (fault) pending.push(fault().catch((error: unknown) => void notes.push(`fault failed: ${(error as Error).message}`)));
      pending.push(act(w, i, random, scenario.httpShare ?? 0));
      const due = started + ((i + 1) * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await Promise.race([Promise.all(pending), sleep(60_000)]);
    const ledger = w.ledger;
    await waitUntil(() => ledger.missing() === 0, 30_000, "deliveries").catch(() => undefined);
    await sleep(1_000); // late duplicates
    const gateways = w.devices.map((d) => `u${d.user}@${d.gateway}`).join(" ");
    const history = await againstHistory(w).catch((error: Error) => ({ historyFailed: error.message }));
    console.log(JSON.stringify({ scenario: name, sent: MESSAGES, seconds: (Date.now() - started) / 1000, devices: gateways, notes, rejected: refusals(w), ...ledger.count(), ...history, ...(await renameCounts(w)) }));
  } finally {
    for (const d of w?.devices ?? []) d.client.close();
    await stack.stop();
    await redisLink?.close();
    redisLink = undefined;
  }
}

const names = values.scenario === "all-scenarios" ? Object.keys(scenarios) : values.scenario!.split(",");
for (const name of names) await runScenario(name, scenarios[name] ?? (() => { throw new Error(`no scenario ${name}`); })());
process.exit(0);
