// The fault scenario (packages/devstack/src/fault-scenario.ts) on the cluster layout: Redis Cluster 3 masters + 3 replicas, ZooKeeper
// ensemble of 3, two gateways. While messages flow at a steady rate, the Redis master holding the group's
// stream is killed with SIGKILL (its replica is promoted) and later restarted (it rejoins as a replica), the
// ZooKeeper leader is killed, and a gateway is killed and restarted. Run twice: with CIM_REDIS_WAIT_REPLICAS=1
// no acknowledged message may be lost or duplicated; without it the loss is only printed (replication is
// asynchronous: a master killed right after acknowledging may take the last writes with it).
import { describe, expect, it } from "vitest";
import type { ClusterNode, EnsembleServer } from "@cim/devstack";
import { conv } from "@cim/state";
import { runFaultScenario, type FaultSummary } from "@cim/devstack";

const MESSAGES = 1_500;
const results: Record<string, FaultSummary> = {};
/** What route listed once a new ZooKeeper leader was elected, and how often gw-b (never killed) registered. */
const discovery: Array<{ gatewaysAfterLeaderKill: number; gwBRegistrations: number }> = [];

async function scenario(waitReplicas: number): Promise<FaultSummary> {
  const summary = await runFaultScenario({
    // Route too: the scenario's HTTP sends (POST /api/messages) are acknowledged (202) by route, which waits alike.
    stack: { layout: "cluster", env: { CIM_REDIS_WAIT_REPLICAS: String(waitReplicas), CIM_REDIS_WAIT_TIMEOUT_MS: "2000" } },
    messages: MESSAGES,
    settleMs: 45_000,
    faults: (stack, done) => {
      const redis = stack.redisCluster!;
      const zookeeper = stack.ensemble!;
      let killedMaster: ClusterNode | undefined;
      let killedLeader: EnsembleServer | undefined;
      return new Map([
        [Math.floor(MESSAGES * 0.2), async () => {
          killedMaster = await redis.masterOf(conv.messages("everyone"));
          await killedMaster.stop("SIGKILL");
          done("redis master killed");
        }],
        [Math.floor(MESSAGES * 0.35), async () => {
          killedLeader = await zookeeper.leader();
          await killedLeader.stop("SIGKILL");
          await zookeeper.leader();
          const health = (await (await fetch(`${stack.route.url}/healthz`)).json()) as { gateways: number };
          discovery.push({ gatewaysAfterLeaderKill: health.gateways, gwBRegistrations: 0 });
          done("zookeeper leader killed");
        }],
        [Math.floor(MESSAGES * 0.5), async () => {
          await stack.gateways[0]!.stop("SIGKILL");
          done("gw-a killed");
        }],
        [Math.floor(MESSAGES * 0.65), async () => {
          stack.gateways[0] = await stack.startGateway("gw-a");
          done("gw-a restarted");
        }],
        [Math.floor(MESSAGES * 0.8), async () => {
          await killedMaster?.restart();
          await killedLeader?.restart();
          discovery.at(-1)!.gwBRegistrations = stack.gateways[1]!.process.output().split("registered in ZooKeeper").length - 1;
          done("killed master and leader restarted");
        }],
      ]);
    },
  });
  const line = { replicaWait: waitReplicas, sent: summary.sent, acknowledged: summary.acked, delivered: summary.deliveries, lost: summary.lostMessages, missingDeliveries: summary.missing, duplicated: summary.duplicates, duplicatedByKind: summary.duplicatesByKind, sharedMsgIds: summary.sharedMsgIds, unexpected: summary.unexpected, outOfOrder: summary.outOfOrder, outOfOrderByKind: summary.outOfOrderByKind, wrongEvents: summary.wrongEvents, faults: summary.faults, faultsAt: summary.faultsAt, seconds: summary.seconds, samples: summary.samples };
  console.log(`cluster fault test: ${JSON.stringify(line)}`);
  return summary;
}

describe("faults on the cluster layout", () => {
  it("with CIM_REDIS_WAIT_REPLICAS=1: no acknowledged message is lost or duplicated through a master kill, a ZooKeeper leader kill and a gateway kill", { timeout: 300_000 }, async () => {
    const summary = (results.wait = await scenario(1));
    expect([...summary.faults].sort()).toEqual(["gw-a killed", "gw-a restarted", "killed master and leader restarted", "redis master killed", "zookeeper leader killed"]);
    expect(summary.acked).toBeGreaterThan(MESSAGES * 0.9);
    expect(summary.lostMessages).toBe(0);
    expect(summary.missing).toBe(0);
    expect(summary.duplicates).toBe(0);
    expect(summary.droppedBySdk).toBe(0);
    expect(summary.outOfOrder).toBe(0);
    expect(summary.wrongEvents).toBe(0);
    // The ensemble kept the sessions: route still listed both gateways, and gw-b never had to register again.
    expect(discovery.at(-1)).toEqual({ gatewaysAfterLeaderKill: 2, gwBRegistrations: 1 });
  });

  it("without the replica wait: the same faults, and what was lost is printed", { timeout: 300_000 }, async () => {
    const summary = (results.noWait = await scenario(0));
    expect(summary.faults).toHaveLength(5);
    expect(summary.acked).toBeGreaterThan(MESSAGES * 0.9);
  });
});
