import { describe, expect, it } from "vitest";
import { markdownTable, privateRounds, storeRewrites, type BenchResults, type SystemResults } from "./report.js";

function results(cim: SystemResults, socketio: SystemResults = {}): BenchResults {
  const meta = { date: "", cpu: "", cores: 2, memGiB: 24, node: "", kernel: "", totalSeconds: 1, commit: "", loadAvg: { start: 0, end: 0 } };
  return { meta, options: {}, systems: { cim, socketio } };
}

const row = (table: string, label: string) => table.split("\n").find((line) => line.startsWith(`| ${label} |`))!.split(" | ");
const PRIVATE = { offeredPerSec: 1000, sent: 10, received: 10, achievedPerSec: 1000, p50Ms: 1, p99Ms: 2, maxMs: 3, unexpectedCloses: 0 };

describe("markdownTable", () => {
  it("reads n/a for a target of a workload that did not run, and MISS for one that failed", () => {
    expect(row(markdownTable(results({})), "Storm: failed sessions").at(-1)).toBe("n/a |");
    expect(row(markdownTable(results({ storm: { error: "gateway died" } })), "Storm: failed sessions").at(-1)).toBe("MISS |");
  });

  it("shows the CPU per message of each system's servers and Redis beside each other", () => {
    const table = markdownTable(
      results(
        { private: { ...PRIVATE, cpuUsPerMessage: { servers: 150, store: 90, load: 50 } } },
        { private: { ...PRIVATE, cpuUsPerMessage: { servers: 140, store: 20, load: 50 } } },
      ),
    );
    expect(row(table, "Private: server CPU per message").slice(2, 6)).toEqual(["150", "140", "n/a", "1.07×"]);
    expect(row(table, "Private: Redis CPU per message").slice(2, 6)).toEqual(["90.0", "20.0", "n/a", "4.50×"]);
  });
});

describe("privateRounds", () => {
  it("lists each system's round p99s, and nothing when the private workload ran once", () => {
    const cpu = { servers: 1, store: 1, load: 1 };
    const many = results({ private: { ...PRIVATE, cpuUsPerMessage: cpu, p99Rounds: [21.5, 8.25, 130] } }, { private: { ...PRIVATE, cpuUsPerMessage: cpu } });
    expect(privateRounds(many)).toBe("Private p99 of each round, in ms (the table shows the median round): CIM 21.5 / 8.25 / 130.");
    expect(privateRounds(results({ private: { ...PRIVATE, cpuUsPerMessage: cpu } }))).toBe("");
  });
});

describe("storeRewrites", () => {
  const cpu = { servers: 1, store: 1, load: 1 };
  const step = (offeredPerSec: number, rewrites: number) => ({ ...PRIVATE, offeredPerSec, cpuUsPerMessage: cpu, storeRewrites: rewrites });

  it("names the saturation steps an AOF rewrite fell in, and the private window's count", () => {
    const saturation = { sustainedPerSec: 10000, sustainedP99Ms: 9, misses: [], steps: [step(1000, 0), step(10000, 1), step(13000, 2)] };
    expect(storeRewrites(results({ private: step(1000, 0), saturation }))).toBe(
      "AOF rewrites started by CIM's Redis in the measured windows: private 0 (the round shown); saturation 1 at 10,000 msg/s, 2 at 13,000 msg/s.",
    );
  });

  it("says none fell in the ladder, and nothing when the store could not be asked (Redis Cluster)", () => {
    const saturation = { sustainedPerSec: 1000, sustainedP99Ms: 9, misses: [], steps: [step(1000, 0)] };
    expect(storeRewrites(results({ saturation }))).toBe("AOF rewrites started by CIM's Redis in the measured windows: saturation 0 in every step.");
    expect(storeRewrites(results({ private: { ...PRIVATE, cpuUsPerMessage: cpu } }))).toBe("");
  });
});
