// POST /api/messages with CIM_REDIS_WAIT_REPLICAS=1, on a real redis-server with a real replica: answered once the
// replica holds the message; after the timeout when the replica does not answer (counted, as a gateway's SendAck);
// 503 unavailable with Retry-After when the wait itself fails (the master dies under it), and the resend is stored once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startRedis, waitUntil, type Service } from "@cim/devstack";
import { CLIENT_MSG_ID } from "@cim/protocol";
import { conv } from "@cim/state";
import { expectError, newUser, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;
let replica: Service;
let replicaClient: Redis;
let alice: LoginAnswer;
let bob: LoginAnswer;

beforeAll(async () => {
  h = await startRouteHarness();
  replica = await startRedis();
  replicaClient = new Redis(replica.address);
  await replicaClient.call("REPLICAOF", "127.0.0.1", String(h.redisServer.port));
  await replicaSynced();
  [alice, bob] = await Promise.all([newUser(h, "alice"), newUser(h, "bob")]);
});
afterAll(async () => {
  replicaClient?.disconnect();
  await replica?.dispose();
  await h?.stop();
});

/** Resolves once the replica's link to the master is up (after a start, a SIGCONT or the master's restart). */
async function replicaSynced(): Promise<void> {
  await waitUntil(async () => /master_link_status:up/.test(await replicaClient.info("replication")), 20_000, "the replica to sync with the master");
}

/** Route over the harness's Redis with the replica wait on. */
function waiting(timeoutMs: number) {
  return h.variant({ CIM_REDIS_WAIT_REPLICAS: "1", CIM_REDIS_WAIT_TIMEOUT_MS: String(timeoutMs) });
}

const pairKey = () => conv.messages(conv.ofPair(alice.userId, bob.userId));
const texts = async (client: Redis) => (await client.xrange(pairKey(), "-", "+")).map(([, fields]) => fields[fields.indexOf("text") + 1]);
const counted = async (metric: { get(): Promise<{ values: Array<{ value: number; metricName?: string }> }> }) =>
  (await metric.get()).values.find((v) => !v.metricName || v.metricName.endsWith("_count"))?.value ?? 0;

describe("POST /api/messages with CIM_REDIS_WAIT_REPLICAS=1", () => {
  it("answers 202 once the replica holds the message", async () => {
    const route = waiting(5_000);
    const res = await route.call("POST", "/api/messages", { token: alice.token, body: { to: bob.userId, text: "replicated", clientMsgId: "wait-1" } });
    expect(res.status).toBe(202);
    // WAIT returned 1: the replica had it when the answer left. Before the fix no WAIT was sent (count 0).
    expect(await counted(route.services.metrics.replicaWaitSeconds)).toBe(1);
    expect(await counted(route.services.metrics.replicaWaitShortfalls)).toBe(0);
    expect(await texts(replicaClient)).toContain("replicated");
  });

  it("answers 202 after the timeout when the replica does not answer, counted as a shortfall", async () => {
    const route = waiting(200);
    replica.process().child.kill("SIGSTOP");
    try {
      const res = await route.call("POST", "/api/messages", { token: alice.token, body: { to: bob.userId, text: "short of replicas", clientMsgId: "wait-2" } });
      // Availability over safety, as the gateway's SendAck (docs/DEPLOYMENT.md): stored on the master, acknowledged.
      expect(res.status).toBe(202);
      expect(await counted(route.services.metrics.replicaWaitShortfalls)).toBe(1);
    } finally {
      replica.process().child.kill("SIGCONT");
    }
    await replicaSynced();
  });

  it("answers 503 unavailable with Retry-After and the clientMsgId when the wait fails (the master died under it), and the resend under it is stored once", async () => {
    const route = waiting(8_000);
    replica.process().child.kill("SIGSTOP");
    const admin = new Redis(h.redisServer.address);
    // The harness's client reports each refused reconnect while the master is down.
    h.redis.on("error", () => undefined);
    let answer: Response;
    let killed = false;
    try {
      // No clientMsgId: route makes one, and its 503 names it (a retry without it stored the message twice).
      const sending = route.call("POST", "/api/messages", { token: alice.token, body: { to: bob.userId, text: "master died" } });
      // Stored, and its WAIT blocked on the master (the replica is stopped): now the master dies.
      await waitUntil(async () => /blocked_clients:1\b/.test(await admin.info("clients")), 10_000, "the WAIT to block");
      admin.disconnect();
      await h.redisServer.stop("SIGKILL");
      killed = true;
      answer = await sending;
    } finally {
      admin.disconnect();
      // Only a stopped server is restarted: a second one on the same port would fail and leave the first unowned.
      if (killed) await h.redisServer.restart();
      replica.process().child.kill("SIGCONT");
    }
    // Before the fix: 202 without any wait (the store had succeeded), though no replica held the message.
    const { error } = await expectError(answer, 503, "unavailable");
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(error.clientMsgId).toMatch(CLIENT_MSG_ID);
    await replicaSynced();
    let res: Response | undefined;
    await waitUntil(async () => (res = await route.call("POST", "/api/messages", { token: alice.token, body: { to: bob.userId, text: "master died", clientMsgId: error.clientMsgId } })).status === 202, 20_000, "the resend to be acknowledged");
    expect((await texts(h.redis)).filter((t) => t === "master died")).toHaveLength(1);
    expect(res?.status).toBe(202);
  });
});
