import { describe, expect, it } from "vitest";
import { inOrder } from "./fault-steps.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("inOrder", () => {
  it("starts a step only after the step before it ended, even when its index comes first", async () => {
    const log: string[] = [];
    let killed: string | undefined;
    const schedule = inOrder([
      [4, async () => { await tick(); killed = "master"; log.push("kill"); }],
      [8, async () => { log.push(`restart ${killed}`); }],
    ]);
    // Sends outrun the steps: both indices are reached before the first step ends.
    const runs = [schedule.get(4)!(), schedule.get(8)!()];
    await Promise.all(runs);
    expect(log).toEqual(["kill", "restart master"]);
  });

  it("keeps steps whose indices collide, moved to the next free index", async () => {
    const log: number[] = [];
    const schedule = inOrder([[1, async () => void log.push(1)], [2, async () => void log.push(2)], [2, async () => void log.push(3)]]);
    expect([...schedule.keys()]).toEqual([1, 2, 3]);
    await Promise.all([...schedule.values()].map((run) => run()));
    expect(log).toEqual([1, 2, 3]);
  });

  it("runs the next step after a failed one, and the failure reaches the caller", async () => {
    const schedule = inOrder([[0, () => Promise.reject(new Error("no master"))], [1, async () => undefined]]);
    await expect(schedule.get(0)!()).rejects.toThrow("no master");
    await expect(schedule.get(1)!()).resolves.toBeUndefined();
  });
});
