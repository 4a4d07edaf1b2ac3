// Private messages across servers at a fixed offered rate: latency percentiles and the achieved rate.
import { performance } from "node:perf_hooks";
import { ClientPool, usersFrom, type LoadClient } from "../load/pool.js";
import { latencySummary, sleep, waitFor } from "../load/stats.js";
import type { BenchSystem } from "../systems/types.js";

export interface PrivateOptions {
  pairs: number;
  ratePerSec: number;
  durationS: number;
  concurrency: number;
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
}

const BASE_ID = 2_000_000;
const WARMUP_S = 1;
const DRAIN_MS = 10_000;

export async function privateWorkload(system: BenchSystem, options: PrivateOptions): Promise<PrivateResult> {
  // Users 2i (server 0) and 2i+1 (server 1) form a pair: every message crosses servers.
  const users = usersFrom(BASE_ID, options.pairs * 2);
  await system.prepareUsers(users.map((u) => u.userId));
  const pool = new ClientPool(system.codec);
  try {
    const opened = await pool.open(users, options.concurrency);
    if (opened.failed) throw new Error(`${opened.failed} sessions failed to open: ${opened.firstError}`);
    const senders = [...pool.clients].sort((a, b) => a.userId - b.userId);
    const partner = (c: LoadClient) => c.userId ^ 1;
    const latencies: number[] = [];
    let warmupReceived = 0;
    let lastReceivedAt = 0;
    pool.onChat = (_client, text) => {
      const space = text.indexOf(" ");
      if (text.startsWith("w")) return void warmupReceived++;
      latencies.push(performance.now() - Number(text.slice(space + 1)));
      lastReceivedAt = performance.now();
    };
    const run = async (seconds: number, prefix: string) => {
      const start = performance.now();
      const end = start + seconds * 1000;
      let sent = 0;
      for (let now = start; now < end; now = performance.now()) {
        const due = Math.floor(((now - start) * options.ratePerSec) / 1000);
        for (; sent < due; sent++) {
          const from = senders[sent % senders.length]!;
          from.ws.send(system.codec.privateFrame(partner(from), `${prefix}${sent} ${performance.now().toFixed(3)}`));
        }
        await sleep(1);
      }
      return { sent, start, end: performance.now() };
    };
    const warm = await run(WARMUP_S, "w");
    await waitFor(() => warmupReceived >= warm.sent, DRAIN_MS);
    const measured = await run(options.durationS, "m");
    await waitFor(() => latencies.length >= measured.sent, DRAIN_MS);
    const elapsed = Math.max(lastReceivedAt, measured.end) - measured.start;
    const { p50, p99, max } = latencySummary(latencies);
    return {
      offeredPerSec: options.ratePerSec,
      sent: measured.sent,
      received: latencies.length,
      achievedPerSec: (latencies.length / elapsed) * 1000,
      p50Ms: p50,
      p99Ms: p99,
      maxMs: max,
      unexpectedCloses: pool.unexpectedCloses,
    };
  } finally {
    await system.checkpoint?.();
    await pool.close();
    await sleep(1_000);
  }
}
