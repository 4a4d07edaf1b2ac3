// Group broadcast to every online user: time for one message to reach all, and deliveries per second in a burst.
import { performance } from "node:perf_hooks";
import { ClientPool, usersFrom } from "../load/pool.js";
import { sleep, waitFor } from "../load/stats.js";
import type { BenchSystem } from "../systems/types.js";

export interface GroupOptions {
  users: number;
  messages: number;
  repeats: number;
  /** Bursts of `messages` each; deliveries per second is their median. */
  bursts: number;
  concurrency: number;
}

export interface GroupResult {
  receivers: number;
  /** Median over `repeats` single messages: from send to the last receiver. */
  reachAllMs: number;
  reachAllMaxMs: number;
  burstMessages: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSec: number;
  unexpectedCloses: number;
}

const BASE_ID = 3_000_000;
const REACH_TIMEOUT_MS = 15_000;
const BURST_TIMEOUT_MS = 60_000;

export async function groupWorkload(system: BenchSystem, options: GroupOptions): Promise<GroupResult> {
  const users = usersFrom(BASE_ID, options.users + 1, system.servers);
  await system.prepareUsers(users.map((u) => u.userId));
  const pool = new ClientPool(system.codec);
  try {
    const opened = await pool.open(users, options.concurrency);
    if (opened.failed) throw new Error(`${opened.failed} sessions failed to open: ${opened.firstError}`);
    const sender = pool.clients.find((c) => c.userId === BASE_ID)!;
    const receivers = pool.clients.length - 1;
    let count = 0;
    let lastAt = 0;
    pool.onChat = (client) => {
      if (client === sender) return;
      count++;
      lastAt = performance.now();
    };
    const reach: number[] = [];
    for (let r = 0; r < options.repeats; r++) {
      count = 0;
      const sentAt = performance.now();
      sender.ws.send(system.codec.groupFrame(`r${r} ${sentAt.toFixed(3)}`));
      if (!(await waitFor(() => count >= receivers, REACH_TIMEOUT_MS, 1))) throw new Error(`message ${r} reached ${count} of ${receivers}`);
      reach.push(lastAt - sentAt);
      await sleep(200);
    }
    // Bursts: the figure is the median of several (one burst of ~100 ms is at the mercy of a stall of the machine).
    const rates: number[] = [];
    let deliveries = 0;
    const expected = receivers * options.messages;
    for (let b = 0; b < options.bursts; b++) {
      count = 0;
      const start = performance.now();
      for (let m = 0; m < options.messages; m++) sender.ws.send(system.codec.groupFrame(`b${b}.${m} ${performance.now().toFixed(3)}`));
      await waitFor(() => count >= expected, BURST_TIMEOUT_MS, 5);
      deliveries += count;
      rates.push((count / (lastAt - start)) * 1000);
      await sleep(500);
    }
    rates.sort((a, b) => a - b);
    reach.sort((a, b) => a - b);
    return {
      receivers,
      reachAllMs: reach[Math.floor(reach.length / 2)]!,
      reachAllMaxMs: reach[reach.length - 1]!,
      burstMessages: options.messages,
      deliveries,
      expectedDeliveries: expected * options.bursts,
      deliveriesPerSec: rates[Math.floor(rates.length / 2)]!,
      unexpectedCloses: pool.unexpectedCloses,
    };
  } finally {
    await system.checkpoint?.();
    await pool.close();
    await sleep(1_000);
  }
}
