import { afterEach, describe, expect, it, vi } from "vitest";
import type { RedisClient } from "./redis.js";
import { COUNT_RETRY_MS, MessageCounter } from "./message-count.js";

/** The count script's rule (COUNT_BATCH), and calls that fail as chosen: before Redis applies them, or after (the answer lost). */
function fakeRedis(failures: Array<"before" | "after">) {
  const state = { count: 0, mark: 0, calls: [] as string[] };
  const redis = {
    defineCommand: () => undefined,
    async cimCountMessages(_count: string, _mark: string, batch: string, n: string) {
      state.calls.push(`${batch}:${n}`);
      const failure = failures.shift();
      if (failure === "before") throw new Error("Connection is closed.");
      if (Number(batch) > state.mark) {
        state.mark = Number(batch);
        state.count += Number(n);
      }
      if (failure === "after") throw new Error("Command aborted due to connection close");
      return 1;
    },
    get: async () => String(state.count),
  };
  return { state, counter: new MessageCounter(redis as unknown as RedisClient) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("MessageCounter", () => {
  afterEach(() => vi.useRealTimers());

  it("counts a turn's messages with one call, and a failed call's messages once when Redis answers again", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const { state, counter } = fakeRedis(["before", "after"]);
    counter.add();
    counter.add();
    await turn();
    await turn();
    counter.add(); // while batch 1 waits for its retry: it goes after it, in a batch of its own
    await vi.advanceTimersByTimeAsync(COUNT_RETRY_MS); // batch 1 again: applied, but its answer lost
    await vi.advanceTimersByTimeAsync(COUNT_RETRY_MS); // batch 1 once more: the mark refuses it
    await turn();
    expect(await counter.total()).toBe(3);
    expect(state.calls).toEqual(["1:2", "1:2", "1:2", "2:1"]);
  });
});
