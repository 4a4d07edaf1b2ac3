// RetentionSweep on a real Redis: a conversation nobody writes to loses its messages past CIM_STREAM_MAX_AGE_SECONDS,
// swept by one route process per interval.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startRedis, type Service } from "@cim/devstack";
import { createRedis, keys, MessageStore, type Redis } from "@cim/state";
import { RetentionSweep, sweepIntervalMs } from "./retention-sweep.js";

let service: Service;
let redis: Redis;

beforeAll(async () => {
  service = await startRedis();
  redis = createRedis(service.address, "test");
});
afterAll(async () => {
  redis?.disconnect();
  await service?.dispose();
});

describe("RetentionSweep", () => {
  it("takes a quiet conversation's messages past the age limit out of history, once per interval over route processes", async () => {
    // The stores trim by age too, but only the stream they write: nothing is written here after the message.
    const store = new MessageStore(redis, { maxLenPerStream: 10_000, maxAgeSeconds: 1, dedupeTtlSeconds: 60 });
    await redis.hset(keys.account("7"), { userName: "ann", passwordHash: "x", createdAt: "0" });
    await redis.hset(keys.account("8"), { userName: "bob", passwordHash: "x", createdAt: "0" });
    const stored = await store.store({ clientMsgId: "c1", from: "7", fromName: "ann", fromDevice: "d7", to: "8", text: "the door code is 4711" });
    expect("error" in stored).toBe(false);
    const texts = async () => (await store.history({ userId: "8", peer: "7", limit: 10 })).map((message) => message.text);
    expect(await texts()).toEqual(["the door code is 4711"]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await texts()).toEqual(["the door code is 4711"]);

    const log = pino({ level: "silent" });
    const first = new RetentionSweep(redis, 1, log, "route-a");
    const second = new RetentionSweep(redis, 1, log, "route-b");
    expect(await first.tick()).toEqual({ streams: 3, trimmed: 3 }); // the conversation and both inboxes
    expect(await second.tick()).toBeUndefined(); // route-a has this interval's turn
    expect(await texts()).toEqual([]);
    expect(await redis.get(keys.retentionSweep)).toBe("route-a");
  });

  it("sweeps a tenth of the age limit apart, within a minute and an hour", () => {
    expect(sweepIntervalMs(60)).toBe(60_000);
    expect(sweepIntervalMs(7 * 86_400)).toBe(3_600_000);
    expect(sweepIntervalMs(6_000)).toBe(600_000);
  });
});
