// Idle connections: open N sessions over the two servers; connect rate and server RSS per connection.
import { ClientPool, usersFrom } from "../load/pool.js";
import { collectGarbage, rssBytes, sleep } from "../load/stats.js";
import type { BenchSystem } from "../systems/types.js";

export interface IdleOptions {
  connections: number;
  concurrency: number;
}

export interface IdleResult {
  connections: number;
  failed: number;
  connectPerSec: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPerConnBytes: number;
  unexpectedCloses: number;
  firstError?: string;
}

const BASE_ID = 1_000_000;
const WARMUP_CONNECTIONS = 200;
const SETTLE_MS = 2_000;

export async function idleWorkload(system: BenchSystem, options: IdleOptions): Promise<IdleResult> {
  const warmup = usersFrom(BASE_ID, WARMUP_CONNECTIONS, system.servers);
  const users = usersFrom(BASE_ID + WARMUP_CONNECTIONS, options.connections, system.servers);
  await system.prepareUsers([...warmup, ...users].map((u) => u.userId));
  // A first round wakes the code paths (JIT, buffers) so "before" is a warm, empty server.
  const warm = new ClientPool(system.codec);
  await warm.open(warmup, options.concurrency);
  await warm.close();
  await sleep(SETTLE_MS);
  // RSS after a full GC on both sides, so garbage of the connect phase is not counted as per-connection memory.
  const rssOf = async () => {
    await collectGarbage(system.serverPids());
    return system.serverPids().reduce((sum, pid) => sum + rssBytes(pid), 0);
  };
  const rssBeforeBytes = await rssOf();
  const pool = new ClientPool(system.codec);
  try {
    const opened = await pool.open(users, options.concurrency);
    await sleep(SETTLE_MS);
    const rssAfterBytes = await rssOf();
    return {
      connections: opened.opened,
      failed: opened.failed,
      connectPerSec: (opened.opened / opened.ms) * 1000,
      rssBeforeBytes,
      rssAfterBytes,
      rssPerConnBytes: opened.opened ? (rssAfterBytes - rssBeforeBytes) / opened.opened : NaN,
      unexpectedCloses: pool.unexpectedCloses,
      firstError: opened.firstError,
    };
  } finally {
    await system.checkpoint?.();
    await pool.close();
    await sleep(SETTLE_MS);
  }
}
