import { describe, expect, it } from "vitest";
import { medianRound, type PrivateResult } from "./private.js";

const round = (p99Ms: number, servers = p99Ms): PrivateResult => ({
  offeredPerSec: 1000, sent: 10, received: 10, achievedPerSec: 1000, p50Ms: 1, p99Ms, maxMs: p99Ms + 1, unexpectedCloses: 0,
  cpuUsPerMessage: { servers, store: 1, load: 1 },
});

describe("medianRound", () => {
  it("reports the whole round of the median p99 (its own CPU and max), with every round's p99 in order", () => {
    const result = medianRound([round(40), round(12), round(25)]);
    expect(result.p99Ms).toBe(25);
    expect(result.maxMs).toBe(26);
    expect(result.cpuUsPerMessage.servers).toBe(25);
    expect(result.p99Rounds).toEqual([40, 12, 25]);
  });

  it("takes the upper middle of an even count, and a lone round as it is", () => {
    expect(medianRound([round(5), round(9)]).p99Ms).toBe(9);
    expect(medianRound([round(7)])).toEqual(round(7));
  });
});
