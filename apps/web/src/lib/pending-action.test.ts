import { describe, expect, it } from "vitest";
import { PendingAction } from "./pending-action.svelte.js";

/** A piece of work that ends when the test says so. */
function held() {
  let succeed!: () => void;
  let fail!: (error: Error) => void;
  const work = new Promise<void>((resolve, reject) => {
    succeed = resolve;
    fail = reject;
  });
  return { work: () => work, succeed, fail };
}

describe("PendingAction", () => {
  it("is busy while its work runs, and reports success", async () => {
    const action = new PendingAction();
    const step = held();
    const run = action.run(step.work);
    expect(action.busy).toBe(true);
    step.succeed();
    expect(await run).toBe(true);
    expect(action.busy).toBe(false);
    expect(action.error).toBe("");
  });

  it("reports a failure in words", async () => {
    const action = new PendingAction();
    expect(await action.run(() => Promise.reject(new Error("route is down")))).toBe(false);
    expect(action.error).toContain("route is down");
  });

  it("reports no success for work that ends after its owner is gone", async () => {
    const action = new PendingAction();
    const step = held();
    const run = action.run(step.work);
    action.abandon();
    step.succeed();
    expect(await run).toBe(false);
    expect(action.busy).toBe(false);
  });

  it("shows no failure for work that fails after its owner is gone", async () => {
    const action = new PendingAction();
    const step = held();
    const run = action.run(step.work);
    action.abandon();
    step.fail(new Error("too late"));
    expect(await run).toBe(false);
    expect(action.error).toBe("");
  });
});
