// Private messages across servers at a fixed offered rate: latency percentiles and the achieved rate.
import { performance } from "node:perf_hooks";
import { ClientPool, usersFrom, type LoadClient } from "../load/pool.js";
import { CpuMeter, latencySummary, sleep, waitFor } from "../load/stats.js";
import type { BenchSystem } from "../systems/types.js";

export interface PrivateOptions {
  pairs: number;
  ratePerSec: number;
  durationS: number;
  concurrency: number;
  /** Runs on the same sessions, one after another; the result is the round of the median p99 (default 1). */
  rounds?: number;
}

export interface PrivateResult {
  offeredPerSec: number;
  sent: number;
  received: number;
  achievedPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  unexpectedCloses: number;
  /**
   * CPU time per delivered message over the measured window, in µs: the message servers together, the store
   * (Redis; NaN when its processes are not known) and the load clients (this process).
   */
  cpuUsPerMessage: { servers: number; store: number; load: number };
  /** With several rounds: each round's p99, in the order run (this result is the round of their median). */
  p99Rounds?: number[];
  /**
   * CIM: from each Send to its SendAck (the message stored, as its sender's "sent" mark shows), in ms over the measured
   * window; beside the delivery latency it tells whether a tail comes from the store or from the way to the peer.
   */
  ack?: { p50Ms: number; p99Ms: number };
  /** AOF rewrites the store started during the measured window (BenchSystem.storeRewrites); absent when not known. */
  storeRewrites?: number;
}

const BASE_ID = 2_000_000;
const WARMUP_S = 1;
const DRAIN_MS = 10_000;

/** Pairs of sessions, one user on each of two servers, that can be driven at one rate after another. */
export interface PairTraffic {
  /** Sends at `ratePerSec` for `durationS` (after a 1 s warm-up at that rate) and waits for the deliveries. */
  run(ratePerSec: number, durationS: number): Promise<PrivateResult>;
  close(): Promise<void>;
}

export async function openPairs(system: BenchSystem, pairs: number, concurrency: number, baseId = BASE_ID): Promise<PairTraffic> {
  // Users 2i and 2i+1 form a pair on two different servers: every message crosses servers.
  const users = usersFrom(baseId, pairs * 2, system.servers);
  await system.prepareUsers(users.map((u) => u.userId));
  const pool = new ClientPool(system.codec);
  const opened = await pool.open(users, concurrency);
  if (opened.failed) {
    await pool.close();
    throw new Error(`${opened.failed} sessions failed to open: ${opened.firstError}`);
  }
  const senders = [...pool.clients].sort((a, b) => a.userId - b.userId);
  const partner = (c: LoadClient) => baseId + ((c.userId - baseId) ^ 1);
  let latencies: number[] = [];
  let warmupReceived = 0;
  let lastReceivedAt = 0;
  let round = 0;
  pool.onChat = (_client, text) => {
    const space = text.indexOf(" ");
    // Deliveries of an earlier round (a step that fell behind) are not this round's.
    if (text.startsWith(`r${round}w`)) return void warmupReceived++;
    if (!text.startsWith(`r${round}m`)) return;
    latencies.push(performance.now() - Number(text.slice(space + 1)));
    lastReceivedAt = performance.now();
  };
  const send = async (ratePerSec: number, seconds: number, prefix: string) => {
    const start = performance.now();
    const end = start + seconds * 1000;
    let sent = 0;
    for (let now = start; now < end; now = performance.now()) {
      const due = Math.floor(((now - start) * ratePerSec) / 1000);
      for (; sent < due; sent++) {
        const from = senders[sent % senders.length]!;
        from.ws.send(system.codec.privateFrame(partner(from), `${prefix}${sent} ${performance.now().toFixed(3)}`));
      }
      await sleep(1);
    }
    return { sent, start, end: performance.now() };
  };
  return {
    async run(ratePerSec, durationS) {
      round++;
      latencies = [];
      warmupReceived = 0;
      const warm = await send(ratePerSec, WARMUP_S, `r${round}w`);
      await waitFor(() => warmupReceived >= warm.sent, DRAIN_MS);
      const rewritesBefore = await system.storeRewrites?.();
      const storePids = system.storePids();
      const meter = new CpuMeter([system.serverPids(), storePids]);
      system.codec.takeAckLatencies?.(); // the warm-up's
      const measured = await send(ratePerSec, durationS, `r${round}m`);
      await waitFor(() => latencies.length >= measured.sent, DRAIN_MS);
      const [serversMs, storeMs, loadMs] = meter.read().map((ms) => (ms * 1000) / Math.max(1, latencies.length));
      const storeRewrites = rewritesBefore === undefined ? NaN : (await system.storeRewrites!()) - rewritesBefore;
      const elapsed = Math.max(lastReceivedAt, measured.end) - measured.start;
      const { p50, p99, max } = latencySummary(latencies);
      const acks = system.codec.takeAckLatencies?.() ?? [];
      const ackSummary = acks.length ? latencySummary(acks) : undefined;
      return {
        offeredPerSec: ratePerSec,
        sent: measured.sent,
        received: latencies.length,
        achievedPerSec: (latencies.length / elapsed) * 1000,
        p50Ms: p50,
        p99Ms: p99,
        maxMs: max,
        unexpectedCloses: pool.unexpectedCloses,
        cpuUsPerMessage: { servers: serversMs!, store: storePids.length ? storeMs! : NaN, load: loadMs! },
        ...(ackSummary ? { ack: { p50Ms: ackSummary.p50, p99Ms: ackSummary.p99 } } : {}),
        ...(Number.isNaN(storeRewrites) ? {} : { storeRewrites }),
      };
    },
    async close() {
      await system.checkpoint?.();
      await pool.close();
      await sleep(1_000);
    },
  };
}

export async function privateWorkload(system: BenchSystem, options: PrivateOptions): Promise<PrivateResult> {
  const traffic = await openPairs(system, options.pairs, options.concurrency);
  try {
    const rounds: PrivateResult[] = [];
    for (let i = 0; i < Math.max(1, options.rounds ?? 1); i++) rounds.push(await traffic.run(options.ratePerSec, options.durationS));
    return medianRound(rounds);
  } finally {
    await traffic.close();
  }
}

/**
 * The round of the median p99 (the upper one of an even count), with every round's p99 beside it when there were
 * several: one 10 s window's p99 on this machine varies by two to three times between runs of one build.
 */
export function medianRound(rounds: readonly PrivateResult[]): PrivateResult {
  const sorted = [...rounds].sort((a, b) => a.p99Ms - b.p99Ms);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return rounds.length > 1 ? { ...median, p99Rounds: rounds.map((r) => r.p99Ms) } : median;
}
