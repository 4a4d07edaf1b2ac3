// `node --import tsx scripts/cluster-fault-probe.ts --scenario <name> [--wait 0|1] [--runs N] [--load N]`: the fault
// scenario (packages/devstack/src/fault-scenario.ts) on the cluster layout (Redis Cluster 3+3, ZooKeeper ensemble of 3,
// 3 gateways) under faults longer or rarer than the test suite's, one JSON line per run. Scenarios:
//   redis-kill       SIGKILL the group's master, restart it (rejoins as replica), then SIGKILL another master
//   manual-failover  CLUSTER FAILOVER on the replica of the group's master, then on another master's replica
//   redis-pause      SIGSTOP the group's master for 3 node timeouts (6 s), then SIGCONT (it rejoins as replica)
//   zookeeper        kill a follower, bring it back; kill the leader; kill a second server (quorum lost) for 12 s
//                    (twice the session timeout; --quorum-ms), logging in meanwhile; bring both back. With
//                    --kill-gateway gw-c is SIGKILLed 5 s into the quorum loss (route cannot hear of it) and started
//                    again once the quorum is back
//   suite            the faults of faults-cluster.integration.test.ts (master, ZooKeeper leader, gateway kills)
// --lease-ms N the gateways' Redis lease (CIM_GATEWAY_LEASE_MS); --rate N sends per second (100); --load N runs N busy processes meanwhile (CPU pressure); --wait sets CIM_REDIS_WAIT_REPLICAS (route's and the gateways'); --logs DIR keeps
// route's and the gateways' logs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readFlags } from "./cli-flags.mjs";
import { RouteApi } from "@cim/client";
import { inOrder, RecordingClient, runFaultScenario, type AppProcess, type Cluster, type ClusterNode, type EnsembleServer } from "@cim/devstack";
import { conv } from "@cim/state";

const values = readFlags(import.meta.url, {
  scenario: { type: "string", default: "redis-kill" },
  wait: { type: "string", default: "0" },
  runs: { type: "string", default: "1" },
  load: { type: "string", default: "0" },
  messages: { type: "string", default: "2000" },
  logs: { type: "string" },
  "quorum-ms": { type: "string", default: "12000" },
  "lease-ms": { type: "string", default: "15000" },
  rate: { type: "string", default: "100" },
  "kill-gateway": { type: "boolean", default: false },
});
const MESSAGES = Number(values.messages);
const PASSWORD = "cim-probe-pass-1";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (share: number) => Math.floor(MESSAGES * share);
// Each plan's steps run in order (inOrder): at small --messages the sends end before a step does, and a step that
// restarts what an earlier one killed must not start first.

type Plan = (stack: Cluster, done: (name: string) => void, notes: Record<string, unknown>) => Map<number, () => Promise<void>>;

/** Route's count of gateways (from its ZooKeeper watch). */
async function listed(stack: Cluster): Promise<number> {
  return ((await (await fetch(`${stack.route.url}/healthz`)).json()) as { gateways: number }).gateways;
}

async function otherMaster(stack: Cluster, not: ClusterNode): Promise<ClusterNode> {
  const roles = await Promise.all(stack.redisCluster!.members.map(async (m) => ({ m, role: await m.role() })));
  const found = roles.find(({ m, role }) => role === "master" && m !== not);
  if (!found) throw new Error("no other live master");
  return found.m;
}

const plans: Record<string, Plan> = {
  "redis-kill": (stack, done) => {
    const redis = stack.redisCluster!;
    let first: ClusterNode | undefined;
    let second: ClusterNode | undefined;
    return inOrder([
      [at(0.2), async () => {
        first = await redis.masterOf(conv.messages("everyone"));
        await first.stop("SIGKILL");
        done("group master killed");
      }],
      [at(0.4), async () => {
        await first!.restart();
        await redis.ready();
        done(`old master back as ${await first!.role()}`);
      }],
      [at(0.55), async () => {
        second = await otherMaster(stack, await redis.masterOf(conv.messages("everyone")));
        await second.stop("SIGKILL");
        done("another master killed");
      }],
      [at(0.75), async () => {
        await second!.restart();
        await redis.ready();
        done(`second master back as ${await second!.role()}`);
      }],
    ]);
  },
  "manual-failover": (stack, done) => {
    const redis = stack.redisCluster!;
    const failover = async (master: ClusterNode) => {
      const replica = await redis.replicaOf(master);
      await new Promise<void>((resolve, reject) => {
        const cli = spawn("redis-cli", ["-p", String(replica.port), "CLUSTER", "FAILOVER"]);
        cli.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`CLUSTER FAILOVER exited ${code}`))));
      });
      for (let i = 0; i < 100 && (await replica.role()) !== "master"; i++) await sleep(100);
      return `${await replica.role()} now`;
    };
    return inOrder([
      [at(0.25), async () => done(`failover of the group's master: replica ${await failover(await redis.masterOf(conv.messages("everyone")))}`)],
      [at(0.6), async () => done(`failover of another master: replica ${await failover(await otherMaster(stack, await redis.masterOf(conv.messages("everyone"))))}`)],
    ]);
  },
  "redis-pause": (stack, done) => {
    const redis = stack.redisCluster!;
    return inOrder([
      [at(0.25), async () => {
        const master = await redis.masterOf(conv.messages("everyone"));
        master.signal("SIGSTOP");
        done(`group master (port ${master.port}) stopped`);
        await sleep(6_000);
        master.signal("SIGCONT");
        await redis.ready();
        done(`group master continued, now ${await master.role()}`);
      }],
    ]);
  },
  zookeeper: (stack, done, notes) => {
    const zk = stack.ensemble!;
    const api = new RouteApi(stack.route.url);
    const name = `probe-${Math.random().toString(36).slice(2, 8)}`;
    let follower: EnsembleServer | undefined;
    let leader: EnsembleServer | undefined;
    let second: EnsembleServer | undefined;
    const tryLogin = async (label: string) => {
      const client = new RecordingClient(stack.route.url, { backoff: { baseMs: 100, maxMs: 1_000 } });
      const started = Date.now();
      try {
        await Promise.race([client.logIn(name, PASSWORD), sleep(10_000).then(() => Promise.reject(new Error("no login within 10 s")))]);
        notes[label] = `logged in (${Date.now() - started} ms)`;
      } catch (error) {
        notes[label] = `failed: ${(error as Error).message}`;
      } finally {
        client.close();
      }
    };
    return inOrder([
      [at(0.1), async () => {
        await api.register(name, PASSWORD);
        const leaderNow = await zk.leader();
        follower = zk.servers.find((s) => s !== leaderNow)!;
        await follower.stop("SIGKILL");
        await tryLogin("loginOneFollowerDown");
        notes.listedOneFollowerDown = await listed(stack);
        done("follower killed");
      }],
      [at(0.25), async () => {
        await follower!.restart();
        done("follower back");
      }],
      [at(0.35), async () => {
        leader = await zk.leader();
        await leader.stop("SIGKILL");
        await zk.leader();
        await tryLogin("loginAfterLeaderKill");
        notes.listedAfterLeaderKill = await listed(stack);
        done("leader killed");
      }],
      [at(0.5), async () => {
        second = zk.servers.find((s) => s !== leader && s !== follower)!;
        await second.stop("SIGKILL");
        done("quorum lost");
        const lostAt = Date.now();
        await sleep(3_000);
        await tryLogin("loginWithoutQuorum");
        notes.listedWithoutQuorum = await listed(stack);
        if (values["kill-gateway"]) {
          await sleep(2_000);
          await stack.gateways[2]!.stop("SIGKILL");
          done("gw-c killed without quorum");
          const picks: Record<string, number> = {};
          for (let i = 0; i < 10; i++) {
            const answer = await api.login(name, PASSWORD).catch((error: unknown) => ({ gateway: { id: `error ${(error as Error).message}` } }));
            picks[answer.gateway.id] = (picks[answer.gateway.id] ?? 0) + 1;
          }
          notes.picksAfterGatewayKill = picks;
          await tryLogin("loginAfterGatewayKillWithoutQuorum");
        }
        await sleep(Math.max(0, lostAt + Number(values["quorum-ms"]) - Date.now()));
        notes.listedAtQuorumEnd = await listed(stack);
        // A gateway killed without quorum is released once its Redis lease lapsed for two leases (--lease-ms).
        notes.releasedByLeaseAtQuorumEnd = stack.route.process.output().split("\n").filter((l) => l.includes("whose lease lapsed")).length;
        await Promise.all([leader!.restart(), second.restart()]);
        await zk.leader();
        done("quorum back");
        if (values["kill-gateway"]) {
          stack.gateways[2] = await stack.startGateway("gw-c");
          done("gw-c started");
        }
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && (await listed(stack)) !== stack.gateways.length) await sleep(200);
        notes.listedAfterQuorum = await listed(stack);
        await tryLogin("loginAfterQuorum");
      }],
    ]);
  },
  suite: (stack, done) => {
    const redis = stack.redisCluster!;
    const zookeeper = stack.ensemble!;
    let master: ClusterNode | undefined;
    let leader: EnsembleServer | undefined;
    return inOrder([
      [at(0.2), async () => {
        master = await redis.masterOf(conv.messages("everyone"));
        await master.stop("SIGKILL");
        done("redis master killed");
      }],
      [at(0.35), async () => {
        leader = await zookeeper.leader();
        await leader.stop("SIGKILL");
        await zookeeper.leader();
        done("zookeeper leader killed");
      }],
      [at(0.5), async () => {
        await stack.gateways[0]!.stop("SIGKILL");
        done("gw-a killed");
      }],
      [at(0.65), async () => {
        stack.gateways[0] = await stack.startGateway("gw-a");
        done("gw-a restarted");
      }],
      [at(0.8), async () => {
        await master?.restart();
        await leader?.restart();
        done("killed master and leader restarted");
      }],
    ]);
  },
};

/** Warnings and errors the apps logged, by message, with a count (what an operator would see). */
function logSummary(apps: AppProcess[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const app of apps) {
    for (const line of app.process.output().split("\n")) {
      const entry = /^\{.*"level":(\d+).*"msg":"([^"]*)"/.exec(line);
      if (!entry || Number(entry[1]) < 40) continue;
      const key = `${entry[1] === "40" ? "warn" : "error"}: ${entry[2]}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const unstructured = app.process.output().split("\n").filter((line) => line.trim() && !line.startsWith("{")).length;
    if (unstructured > 0) counts["lines not JSON (stack traces, ioredis prints)"] = (counts["lines not JSON (stack traces, ioredis prints)"] ?? 0) + unstructured;
  }
  return counts;
}

async function main(): Promise<void> {
  const plan = plans[values.scenario!];
  if (!plan) throw new Error(`unknown scenario ${values.scenario}: one of ${Object.keys(plans).join(", ")}`);
  const load: ChildProcess[] = Array.from({ length: Number(values.load) }, () => spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const notes: Record<string, unknown> = {};
      const apps: AppProcess[] = [];
      const summary = await runFaultScenario({
        // --wait goes to route too: it acknowledges the scenario's HTTP sends (202), and waits as the gateways do.
        stack: { layout: "cluster", gateways: values.scenario === "suite" ? 2 : 3, env: { CIM_GATEWAY_LEASE_MS: values["lease-ms"]!, CIM_REDIS_WAIT_REPLICAS: values.wait!, CIM_REDIS_WAIT_TIMEOUT_MS: "2000" } },
        messages: MESSAGES,
        ratePerSec: Number(values.rate),
        settleMs: 60_000,
        faults: (stack, done) => {
          const proxy = new Proxy(stack.gateways, { set: (target, key, value: AppProcess) => (apps.push(value), Reflect.set(target, key, value)) });
          apps.push(stack.route, ...stack.gateways);
          return plan(Object.create(stack, { gateways: { value: proxy } }) as Cluster, (name) => done(`${name} @${Date.now() % 1_000_000}`), notes);
        },
      });
      if (values.logs) {
        mkdirSync(values.logs, { recursive: true });
        apps.forEach((app, i) => writeFileSync(join(values.logs!, `run${run}-${i === 0 ? "route" : `gateway${i}`}.log`), app.process.output()));
      }
      const registered = apps.slice(1).map((app) => app.process.output().split("registered in ZooKeeper").length - 1);
      console.log(JSON.stringify({ scenario: values.scenario, run, replicaWait: Number(values.wait), load: load.length, ...summary, notes, registrationsPerGatewayProcess: registered, logged: logSummary(apps) }));
    }
  } finally {
    for (const child of load) child.kill("SIGKILL");
  }
}

await main();
process.exit(0);
