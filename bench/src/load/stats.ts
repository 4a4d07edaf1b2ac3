// Small measurement helpers: percentiles, process RSS from /proc, waiting.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** p50 / p99 / max of latencies in ms. */
export function latencySummary(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

/** VmRSS of a process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Asks each server (through server-hook.mjs) for a full garbage collection and waits until each has done it (a
 * server busy with a storm may take seconds to get to the signal), at most `timeoutMs`; then a little more for
 * the freed pages to leave RSS.
 */
export async function collectGarbage(pids: number[], timeoutMs = 60_000): Promise<void> {
  const done = (pid: number) => {
    try {
      return Number(readFileSync(join(tmpdir(), `cim-bench-gc-${pid}`), "utf8"));
    } catch {
      return 0;
    }
  };
  const before = new Map(pids.map((pid) => [pid, done(pid)]));
  for (const pid of pids) process.kill(pid, "SIGUSR2");
  await waitFor(() => pids.every((pid) => done(pid) > before.get(pid)!), timeoutMs, 100);
  await sleep(500);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true or the time is up; returns whether it became true. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}
