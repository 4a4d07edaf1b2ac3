// SIGKILL the gateway with the most sessions while private messages flow: time until every session is logged in
// again elsewhere (through route's /api/reconnect, with the SDK's backoff), failures, and no acknowledged message lost.
import { performance } from "node:perf_hooks";
import { sumStats, type AgentStats, type LoadAgent } from "../load/agents.js";
import { latencySummary, sleep } from "../load/stats.js";
import type { BenchSystem } from "../systems/types.js";
import { clusterOf, openSessions, type StormOptions } from "./storm.js";

export interface ReconnectOptions extends StormOptions {
  /** Private messages per second, over pairs of sessions of one load process on different gateways. */
  ratePerSec: number;
}

export interface ReconnectResult {
  sessions: number;
  /** Sessions that did not open before the kill (left out of the rest). */
  openFailed: number;
  gateways: number;
  killed: string;
  killedSessions: number;
  /** From the SIGKILL to the last LoginAck of a session logged in again; NaN when not all came back. */
  allBackMs: number;
  back: number;
  /** Sessions not logged in again when the time was up. */
  notBack: number;
  /** Failed attempts (each retried with backoff), by cause. */
  reconnectFailures: number;
  closesByCode: Record<string, number>;
  reconnectHttpP50Ms: number;
  reconnectHttpP99Ms: number;
  presenceBytesDuringReconnect: number;
  messagesSent: number;
  messagesAcked: number;
  /** Acknowledged messages that never reached their recipient: must be 0. */
  messagesLost: number;
  lostSample: string[];
  duplicates: number;
}

const BASE_ID = 7_000_000;
const PAIRS_PER_AGENT = 50;
const TRAFFIC_BEFORE_MS = 3_000;
const TRAFFIC_AFTER_MS = 3_000;
const DRAIN_MS = 5_000;
const now = () => performance.timeOrigin + performance.now();

const statsOf = async (agents: LoadAgent[]): Promise<AgentStats> => sumStats(await Promise.all(agents.map((a) => a.stats())));

export async function reconnectWorkload(system: BenchSystem, options: ReconnectOptions, log: (line: string) => void): Promise<ReconnectResult> {
  const cluster = clusterOf(system);
  const { agents, users, answers } = await openSessions(system, options, BASE_ID);
  try {
    // Sessions that failed to open (a storm of its own) are reported and left out; the others are measured.
    const openFailed = answers.reduce((n, a) => n + a.failed, 0);
    if (openFailed) log(`${openFailed} sessions failed to open: ${answers.find((a) => a.firstError)?.firstError}`);
    // Consecutive users of one load process sit on consecutive gateways: each pair crosses gateways.
    await Promise.all(agents.map((agent, i) => {
      const mine = users[i]!;
      const pairs: Array<[number, number]> = [];
      for (let k = 0; k + 1 < mine.length && pairs.length < PAIRS_PER_AGENT; k += 2) pairs.push([mine[k]![0], mine[k + 1]![0]]);
      return agent.traffic(pairs, options.ratePerSec / agents.length);
    }));
    await sleep(TRAFFIC_BEFORE_MS);
    await Promise.all(agents.map((a) => a.reconnect(true)));
    const before = await statsOf(agents);
    const [killed, killedSessions] = Object.entries(before.byGateway).sort((a, b) => b[1] - a[1])[0]!;
    const index = killed.charCodeAt(killed.length - 1) - 97;
    log(`killing ${killed} with ${killedSessions} sessions`);
    const killedAt = now();
    cluster.gateways[index]!.process.child.kill("SIGKILL");
    const deadline = performance.now() + options.timeoutS * 1000;
    let after = before;
    for (;;) {
      await sleep(500);
      after = await statsOf(agents);
      if ((after.ready >= before.ready && after.reconnected >= killedSessions) || performance.now() > deadline) break;
    }
    const notBack = Math.max(0, before.ready - after.ready);
    log(`${after.reconnected} of ${killedSessions} back; ${notBack} not`);
    await sleep(TRAFFIC_AFTER_MS);
    await Promise.all(agents.map((a) => a.stopTraffic()));
    await sleep(DRAIN_MS);
    const checks = await Promise.all(agents.map((a) => a.check()));
    const final = await statsOf(agents);
    const http = latencySummary([...final.reconnectMs]);
    return {
      sessions: options.sessions,
      openFailed,
      gateways: cluster.gateways.length,
      killed,
      killedSessions,
      allBackMs: notBack === 0 ? after.lastReconnectAt - killedAt : NaN,
      back: after.reconnected,
      notBack,
      reconnectFailures: final.reconnectFailures,
      closesByCode: final.closesByCode,
      reconnectHttpP50Ms: http.p50,
      reconnectHttpP99Ms: http.p99,
      presenceBytesDuringReconnect: after.presenceBytes - before.presenceBytes,
      messagesSent: checks.reduce((n, c) => n + c.sent, 0),
      messagesAcked: checks.reduce((n, c) => n + c.acked, 0),
      messagesLost: checks.reduce((n, c) => n + c.lost, 0),
      lostSample: checks.flatMap((c) => c.lostSample).slice(0, 5),
      duplicates: checks.reduce((n, c) => n + c.duplicates, 0),
    };
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await sleep(1_000);
  }
}
