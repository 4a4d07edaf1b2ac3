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

const CLOCK_TICKS_PER_S = 100;

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat; 0 for a process that is gone. */
export function cpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/** CPU ms used since `start` by each group of processes, and by this process. */
export class CpuMeter {
  private readonly before: number[];
  private readonly ownBefore = process.cpuUsage();

  constructor(private readonly groups: number[][]) {
    this.before = groups.map((pids) => pids.reduce((sum, pid) => sum + cpuMs(pid), 0));
  }

  /** Per group, then this process, in ms. */
  read(): number[] {
    const own = process.cpuUsage(this.ownBefore);
    return [...this.groups.map((pids, i) => pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - this.before[i]!), (own.user + own.system) / 1000];
  }
}
