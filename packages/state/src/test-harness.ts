// The shared harness of this package's integration tests: one real redis-server per test file, flushed
// before each test and stopped after the file (also when a test or the start itself failed).
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startRedis, type Service } from "@cim/devstack";
import { createRedis, type Redis } from "./redis.js";

export interface RedisHarness {
  /** The client the tests share. */
  readonly redis: Redis;
  readonly service: Service;
  /** Another connection (a subscriber, say), closed with the harness. */
  connect(name: string): Redis;
}

/** Starts redis-server before the file's tests and registers its cleanup; call at the top of a test file. */
export function useRedis(): RedisHarness {
  let service: Service | undefined;
  const clients: Redis[] = [];
  const harness: RedisHarness = {
    get redis() {
      if (!clients[0]) throw new Error("the Redis harness is not started (useRedis outside a test file?)");
      return clients[0];
    },
    get service() {
      if (!service) throw new Error("the Redis harness is not started");
      return service;
    },
    connect(name) {
      const client = createRedis(harness.service.address, name);
      clients.push(client);
      return client;
    },
  };
  beforeAll(async () => {
    // A free port can be taken between its pick and the server's bind (other suites run on this machine too):
    // the PING that said "ready" may then have come from their server. Ours must answer, or we start another.
    for (let attempt = 1; ; attempt++) {
      service = await startRedis();
      const client = harness.connect("cim-state-test");
      const info = await client.info("server");
      if (info.match(/process_id:(\d+)/)?.[1] === String(service.process().child.pid)) return;
      clients.pop()?.disconnect();
      await service.dispose();
      if (attempt === 3) throw new Error(`redis-server on port ${service.port} is not the one we started`);
    }
  });
  beforeEach(async () => {
    await harness.redis.flushall();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await service?.dispose();
  });
  return harness;
}
