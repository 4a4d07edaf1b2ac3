// A client connected to a Redis that loads its data (restarted on an AOF; `--key-load-delay`, a debugging option,
// makes a small one load for seconds) fails commands at once with LOADING rather than hold them for the command
// timeout, and never sends them afterwards; a Redis that is only slow is still waited for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ping, startRedis, waitUntil, type Service } from "@cim/devstack";
import { Redis as IORedis } from "ioredis";
import { createRedis, isRedisUnavailable, type Redis } from "./redis.js";

const FILLER_KEYS = 20_000;
/** Microseconds per key loaded: FILLER_KEYS of them take about 10 s. */
const KEY_LOAD_DELAY_US = 500;
/** Longer than the load: without the guard a command waits for the end of loading, and is then answered. */
const COMMAND_TIMEOUT_MS = 60_000;

let service: Service;
const clients: Redis[] = [];

beforeAll(async () => {
  service = await startRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await service?.dispose();
});

const outcome = (promise: Promise<unknown>) => promise.then((value) => ({ value }), (error: Error) => ({ error }));

describe("a Redis loading its data", () => {
  it("fails commands with LOADING while it loads, sends none of them afterwards, and waits for a Redis that is only slow", { timeout: 90_000 }, async () => {
    const admin = new IORedis(service.address);
    try {
      await admin.call("DEBUG", "POPULATE", String(FILLER_KEYS), "filler", "10");
      await admin.set("kept", "before");
      await admin.bgrewriteaof();
      await waitUntil(async () => /aof_rewrite_in_progress:0\r\n[\s\S]*aof_rewrite_scheduled:0\r\n/.test(await admin.info("persistence")), 30_000, "the AOF rewrite");
    } finally {
      admin.disconnect();
    }
    const client = createRedis(service.address, "loading-test", { commandTimeout: COMMAND_TIMEOUT_MS });
    clients.push(client);
    client.on("error", () => undefined);
    expect(await client.get("kept")).toBe("before");

    await service.stop("SIGKILL");
    await service.restart(["--key-load-delay", String(KEY_LOAD_DELAY_US), "--loading-process-events-interval-bytes", "1024"]);
    // The premise: Redis refuses commands while it loads, and the client is connected to it (not ready).
    expect(await ping(service.port, "PING\r\n", "-LOADING")).toBe(true);
    await waitUntil(() => client.status === "connect", 30_000, "the client to connect to the loading Redis");

    const [read, write] = await Promise.all([outcome(client.get("kept")), outcome(client.set("ghost", "written while loading"))]);
    // Answered while Redis still loads (before: both waited for the end of loading, then were served).
    expect(await ping(service.port, "PING\r\n", "-LOADING")).toBe(true);
    for (const answer of [read, write]) {
      expect("error" in answer && answer.error.message).toMatch(/^LOADING/);
      expect("error" in answer && isRedisUnavailable(answer.error)).toBe(true);
    }

    await waitUntil(() => client.status === "ready", 60_000, "the client to be ready once Redis has loaded");
    expect(await client.get("kept")).toBe("before");
    // The refused write was not sent once Redis served.
    expect(await client.get("ghost")).toBeNull();

    // Only slow (busy for 2 s): waited for, and answered.
    const busy = new IORedis(service.address);
    try {
      await busy.ping();
      // Written to the socket at once (the connection is ready); the GET below goes out after it.
      const sleeping = busy.call("DEBUG", "SLEEP", "2");
      await new Promise((resolve) => setImmediate(resolve));
      expect(await client.get("kept")).toBe("before");
      await sleeping;
    } finally {
      busy.disconnect();
    }
  });
});
