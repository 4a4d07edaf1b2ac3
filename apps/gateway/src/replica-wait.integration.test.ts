// ReplicaWait against a real redis-server without replicas: waiting is off at 0; at 1 the SendAck still comes
// after the timeout, counted as a shortfall and logged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startRedis, type Service } from "@cim/devstack";
import { createRedis, type Redis } from "@cim/state";
import { createMetrics } from "./metrics.js";
import { ReplicaWait } from "./replica-wait.js";

let service: Service;
let redis: Redis;
beforeAll(async () => {
  service = await startRedis();
  redis = createRedis(service.address, "replica-wait-test");
});
afterAll(async () => {
  redis?.disconnect();
  await service?.dispose();
});

const message = { msgId: "1", ts: 1, from: "1", fromName: "a", to: "2", room: "", text: "t" };

describe("ReplicaWait", () => {
  it("does nothing when no replica is asked for", async () => {
    const metrics = createMetrics();
    const wait = new ReplicaWait(redis, { replicas: 0, timeoutMs: 50 }, metrics, pino({ level: "silent" }));
    expect(wait.enabled).toBe(false);
    await wait.confirm(message, "c1");
    expect((await metrics.replicaWaitSeconds.get()).values.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0).toBe(0);
  });

  it("acknowledges after the timeout when too few replicas answer, and counts the shortfall", async () => {
    const metrics = createMetrics();
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const wait = new ReplicaWait(redis, { replicas: 1, timeoutMs: 50 }, metrics, log);
    await redis.set("k", "v");
    await wait.confirm(message, "c1");
    await wait.confirm({ ...message, to: "", room: "r1" }, "c2");
    expect((await metrics.replicaWaitShortfalls.get()).values[0]?.value).toBe(2);
    expect(lines.join("")).toMatch(/fewer replicas hold than CIM_REDIS_WAIT_REPLICAS/);
  });
});
