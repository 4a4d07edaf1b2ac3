// A gateway while its Redis answers but refuses writes (NOREPLICAS from min-replicas-to-write here; a full AOF disk,
// MISCONF, or maxmemory, OOM, alike). The connection never drops, so nothing that waits for Redis's "ready" runs:
// what failed meanwhile must be written again once writes come back.
import { afterAll, beforeAll, describe, it } from "vitest";
import { RouteApi } from "@cim/client";
import { startCluster, waitUntil, type Cluster } from "@cim/devstack";
import { Redis } from "ioredis";
import { freshDevice, type RawDevice } from "./test-support.js";

let cluster: Cluster;
let api: RouteApi;
let admin: Redis;
const devices: RawDevice[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 1 });
  api = new RouteApi(cluster.route.url);
  admin = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const device of devices) device.ws.close();
  await admin?.config("SET", "min-replicas-to-write", "0");
  admin?.disconnect();
  await cluster?.stop();
});

async function device(name: string) {
  const opened = await freshDevice(cluster.route.url, name);
  devices.push(opened.device);
  return opened;
}

describe("Redis refusing writes", () => {
  it("a user who logs off meanwhile is reported offline once writes come back", async () => {
    const ann = await device("ann");
    const bob = await device("bob");
    bob.device.send({ kind: "presenceSubscribe", body: { userIds: [ann.userId] } });
    await bob.device.waitFor("presenceBatch", (batch) => batch.presences.some((p) => p.userId === ann.userId && p.online));

    const gateway = cluster.gateways[0]!.process;
    const logged = gateway.output().length;
    await admin.config("SET", "min-replicas-to-write", "1");
    ann.device.ws.close();
    await waitUntil(() => gateway.output().slice(logged).includes("cleanup after close failed"), 20_000, "ann's cleanup to fail");
    await admin.config("SET", "min-replicas-to-write", "0");

    // Found by scripts/store-refusal-probe.ts: the failed count was written again only when the connection to Redis
    // was ready again, which a Redis refusing writes never loses: ann stayed online for everyone until the gateway
    // stopped.
    const presences = () => bob.device.frames.flatMap((f) => (f.kind === "presence" ? [f.body] : f.kind === "presenceBatch" ? f.body.presences : []));
    await waitUntil(() => presences().some((p) => p.userId === ann.userId && !p.online), 15_000, "bob to see ann go offline");
    await waitUntil(async () => !(await api.online(bob.token)).users.some((u) => u.userId === ann.userId), 10_000, "ann to leave the online list");
  });
});
