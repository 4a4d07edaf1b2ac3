// ReplicaWait against a real redis-server without replicas: waiting is off at 0; at 1 the acknowledgement still comes,
// counted as a shortfall and logged, after one timeout however many messages wait at once, and at once while the
// node is known to have no replica (a master whose replica died, or one promoted over a master that died).
import { describe, expect, it } from "vitest";
import { ReplicaWait, type ReplicaWaitMetrics } from "./replica-wait.js";
import { useRedis } from "./test-harness.js";

const harness = useRedis();

const message = { msgId: "1", ts: 1, from: "1", fromName: "a", to: "2", room: "", text: "t" };

/** The app's metrics and log, counted. */
function recorder() {
  const counts = { waits: 0, shortfalls: 0 };
  const lines: string[] = [];
  const metrics: ReplicaWaitMetrics = {
    replicaWaitShortfalls: { inc: () => void counts.shortfalls++ },
    replicaWaitSeconds: { startTimer: () => () => void counts.waits++ },
  };
  return { counts, lines, metrics, log: { warn: (_fields: Record<string, unknown>, line: string) => void lines.push(line), error: () => undefined } };
}

describe("ReplicaWait", () => {
  it("does nothing when no replica is asked for", async () => {
    const { counts, metrics, log } = recorder();
    const wait = new ReplicaWait(harness.redis, { replicas: 0, timeoutMs: 50 }, metrics, log);
    expect(wait.enabled).toBe(false);
    await wait.confirm(message, "c1");
    expect(counts.waits).toBe(0);
  });

  it("acknowledges after the timeout when too few replicas answer, and counts the shortfall", async () => {
    const { counts, lines, metrics, log } = recorder();
    const wait = new ReplicaWait(harness.redis, { replicas: 1, timeoutMs: 50 }, metrics, log);
    await harness.redis.set("k", "v");
    await wait.confirm(message, "c1");
    await wait.confirm({ ...message, to: "", room: "r1" }, "c2");
    expect(counts).toEqual({ waits: 2, shortfalls: 2 });
    expect(lines.join("")).toMatch(/fewer replicas hold than CIM_REDIS_WAIT_REPLICAS/);
  });

  it("answers many messages waiting at once on a node without replicas within about one timeout, not one timeout each, and logs one line", async () => {
    const { counts, lines, metrics, log } = recorder();
    const redis = harness.connect("replica-wait");
    const wait = new ReplicaWait(redis, { replicas: 1, timeoutMs: 300 }, metrics, log);
    await redis.set("k", "v");
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, (_, i) => wait.confirm({ ...message, to: "", room: `r${i}` }, `c${i}`)));
    // Each WAIT blocked the connection for its timeout, so eight queued ones took 8 x 300 ms.
    expect(Date.now() - started).toBeLessThan(900);
    expect(counts.shortfalls).toBe(8);
    // Counted each, logged once: the next line (10 s on) says how many it left out.
    expect(lines).toHaveLength(1);
  });

  it("acknowledges without waiting while the node it fell short on still has no replica", async () => {
    const { counts, metrics, log } = recorder();
    const redis = harness.connect("replica-wait");
    const wait = new ReplicaWait(redis, { replicas: 1, timeoutMs: 300 }, metrics, log);
    await wait.confirm(message, "c1");
    const started = Date.now();
    await wait.confirm(message, "c2");
    expect(Date.now() - started).toBeLessThan(100);
    expect(counts.shortfalls).toBe(2);
  });
});
