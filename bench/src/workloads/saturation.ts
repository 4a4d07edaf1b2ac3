// Private messages at offered rates raised step by step on the same servers: the highest rate a system sustains
// (everything delivered, p99 under the bound), and each step's figures.
import type { BenchSystem } from "../systems/types.js";
import { openPairs, type PrivateResult } from "./private.js";

export interface SaturationOptions {
  pairs: number;
  rates: number[];
  durationS: number;
  p99BoundMs: number;
  concurrency: number;
}

export interface SaturationResult {
  /**
   * The highest offered rate whose step delivered every message with p99 under the bound; 0 when none did. Steps go
   * on past one miss (a stall of this shared machine can spoil one step) and stop at the second miss in a row.
   */
  sustainedPerSec: number;
  /** p99 at that rate. */
  sustainedP99Ms: number;
  /** The rates that missed, and why. */
  misses: Array<{ offeredPerSec: number; reason: string }>;
  steps: PrivateResult[];
}

const BASE_ID = 5_000_000;
const MISSES_TO_STOP = 2;

export async function saturationWorkload(
  system: BenchSystem,
  options: SaturationOptions,
  log: (line: string) => void,
): Promise<SaturationResult> {
  const traffic = await openPairs(system, options.pairs, options.concurrency, BASE_ID);
  const result: SaturationResult = { sustainedPerSec: 0, sustainedP99Ms: NaN, misses: [], steps: [] };
  let missesInARow = 0;
  try {
    for (const rate of options.rates) {
      const step = await traffic.run(rate, options.durationS);
      result.steps.push(step);
      const cpu = step.cpuUsPerMessage;
      log(
        `${system.label} saturation ${rate}/s: p50 ${step.p50Ms.toFixed(2)} ms, p99 ${step.p99Ms.toFixed(2)} ms, received ${step.received} of ${step.sent}; ` +
          `CPU per message: servers ${cpu.servers.toFixed(0)} µs, store ${cpu.store.toFixed(0)} µs, load ${cpu.load.toFixed(0)} µs` +
          (step.storeRewrites === undefined ? "" : `; AOF rewrites ${step.storeRewrites}`),
      );
      const reason =
        step.received < step.sent
          ? `delivered ${step.received} of ${step.sent}`
          : step.unexpectedCloses > 0
            ? `${step.unexpectedCloses} sockets closed by the server`
            : step.p99Ms >= options.p99BoundMs
              ? `p99 ${step.p99Ms.toFixed(1)} ms`
              : null;
      if (reason) {
        result.misses.push({ offeredPerSec: rate, reason });
        if (++missesInARow === MISSES_TO_STOP) break;
        continue;
      }
      missesInARow = 0;
      result.sustainedPerSec = rate;
      result.sustainedP99Ms = step.p99Ms;
    }
    return result;
  } finally {
    await traffic.close();
  }
}
