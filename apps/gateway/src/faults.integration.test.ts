// The fault test of issue 3: 20 users on 2 gateways exchange 2,000 private and group messages at a steady
// rate while one gateway is killed with SIGKILL and restarted and Redis is restarted. Every message that
// got a SendAck must reach every recipient exactly once, in per-conversation order.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SendAck } from "@cim/client";
import { newUser, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";

const USERS = 20;
const MESSAGES = 2_000;
const RATE_PER_SEC = 100;
const GROUP_SHARE = 0.2;

let cluster: Cluster;
const users: RecordingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  for (let i = 0; i < USERS; i++) users.push(await newUser(cluster.route.url, `u${i}`, { resendAfterMs: 1_000, backoff: { baseMs: 100, maxMs: 1_000 } }));
});
afterAll(async () => {
  for (const user of users) user.close();
  await cluster?.stop();
});

interface Sent {
  from: number;
  to: number | null;
  text: string;
}

it("every acknowledged message reaches every recipient exactly once, in order, through a gateway kill and a Redis restart", async () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const sent: Array<Sent & { ack: Promise<SendAck | null> }> = [];
  const faults: string[] = [];
  const schedule = new Map<number, () => Promise<void>>([
    [Math.floor(MESSAGES * 0.25), async () => {
      await cluster.gateways[0]!.stop("SIGKILL");
      faults.push("gw-a killed");
    }],
    [Math.floor(MESSAGES * 0.4), async () => {
      cluster.gateways[0] = await cluster.startGateway("gw-a");
      faults.push("gw-a restarted");
    }],
    [Math.floor(MESSAGES * 0.6), async () => {
      await cluster.redis.stop("SIGTERM");
      await cluster.redis.restart();
      faults.push("redis restarted");
    }],
  ]);

  const started = Date.now();
  for (let i = 0; i < MESSAGES; i++) {
    const fault = schedule.get(i);
    if (fault) void fault();
    const from = Math.floor(random() * USERS);
    let to: number | null = null;
    if (random() >= GROUP_SHARE) {
      to = Math.floor(random() * (USERS - 1));
      if (to >= from) to++;
    }
    const text = `m${i} ${from}->${to ?? "all"}`;
    const ack = users[from]!.send({ to: to === null ? undefined : users[to]!.session!.userId, text }).catch(() => null);
    sent.push({ from, to, text, ack });
    const due = started + ((i + 1) * 1000) / RATE_PER_SEC;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  const acks = await Promise.all(sent.map((s) => s.ack));
  const acked = sent.map((s, i) => ({ ...s, ack: acks[i] })).filter((s): s is Sent & { ack: SendAck } => s.ack !== null);

  const expected = new Map<number, Set<string>>(users.map((_, i) => [i, new Set<string>()]));
  for (const m of acked) {
    for (let r = 0; r < USERS; r++) if (r !== m.from && (m.to === null || m.to === r)) expected.get(r)!.add(m.ack.msgId);
  }
  const missing = () => {
    let count = 0;
    for (const [r, ids] of expected) {
      const got = new Set(users[r]!.messages.map((m) => m.msgId));
      for (const id of ids) if (!got.has(id)) count++;
    }
    return count;
  };
  await waitUntil(() => missing() === 0, 60_000, "every acknowledged message to reach every recipient").catch(() => undefined);

  let deliveries = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  for (const client of users) {
    const seen = new Set<string>();
    const lastByConversation = new Map<string, string>();
    for (const m of client.messages) {
      deliveries++;
      if (seen.has(m.msgId)) duplicates++;
      seen.add(m.msgId);
      const conversation = m.to ? `p:${m.from}` : "group";
      const last = lastByConversation.get(conversation);
      if (last && (m.msgId.length < last.length || (m.msgId.length === last.length && m.msgId <= last))) outOfOrder++;
      lastByConversation.set(conversation, m.msgId);
    }
  }
  const expectedDeliveries = [...expected.values()].reduce((n, ids) => n + ids.size, 0);
  const summary = { sent: MESSAGES, acked: acked.length, expectedDeliveries, deliveries, missing: missing(), duplicates, outOfOrder, faults, seconds: (Date.now() - started) / 1000 };
  console.log(`fault test: ${JSON.stringify(summary)}`);

  expect([...faults].sort()).toEqual(["gw-a killed", "gw-a restarted", "redis restarted"]);
  expect(acked.length).toBeGreaterThan(MESSAGES * 0.95);
  expect(summary.missing).toBe(0);
  expect(duplicates).toBe(0);
  expect(outOfOrder).toBe(0);
  expect(deliveries).toBe(expectedDeliveries);
});
