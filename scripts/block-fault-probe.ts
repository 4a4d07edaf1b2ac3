// `node --import tsx scripts/block-fault-probe.ts [--scenario gw-kill,redis-kill] [--messages N]`: SDK devices (a and b
// with one device on each gateway, c on gw-b) write private messages (a<->b, a<->c) while a blocks b (PUT /api/blocks,
// asked again until 204) during a fault. Counts per device: acknowledged sends lost, duplicated, out of order; pair
// messages started after the block's 204 that were acknowledged or delivered. One JSON line per scenario.
import { readFlags } from "./cli-flags.mjs";
import { CimApiError, RouteApi } from "@cim/client";
import { PROBE_PASSWORD, registerProbeUser } from "./probe-users.js";
import { deviceOn as devstackDeviceOn, startCluster, waitUntil, type Cluster, type RecordingClient } from "@cim/devstack";

const values = readFlags(import.meta.url, { scenario: { type: "string", default: "gw-kill,redis-kill" }, messages: { type: "string", default: "160" } });
const MESSAGES = Number(values.messages);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A device of user `name` on gateway `id`, resending unanswered Sends after 500 ms. */
const deviceOn = (stack: Cluster, name: string, id: string): Promise<RecordingClient> =>
  devstackDeviceOn(stack.route.url, name, PROBE_PASSWORD, id, { resendAfterMs: 500, backoff: { baseMs: 100, maxMs: 1_000 } });

interface Sent { i: number; from: number; to: string; text: string; started: number; acked?: string; code?: string; pair: boolean }

async function run(scenario: string): Promise<void> {
  const stack = await startCluster({ gateways: 2, gatewayEnv: { CIM_RATE_PER_SEC: "1000", CIM_RATE_BURST: "1000" } });
  const devices: Array<{ user: number; client: RecordingClient }> = [];
  try {
    const api = new RouteApi(stack.route.url);
    const users: Array<{ name: string; userId: string }> = [];
    for (const n of ["a", "b", "c"]) users.push(await registerProbeUser(api, n));
    for (const [user, gw] of [[0, "gw-a"], [0, "gw-b"], [1, "gw-a"], [1, "gw-b"], [2, "gw-b"]] as const) devices.push({ user, client: await deviceOn(stack, users[user]!.name, gw) });
    // Device -> peer user: a0->b, b0->a, a1->b, b1->a, a0->c, c->a.
    const plan = [[0, 1], [2, 0], [1, 1], [3, 0], [0, 2], [4, 0]] as const;
    const sent: Sent[] = [];
    let blockedAt = Infinity;
    const aToken = (await api.login(users[0]!.name, PROBE_PASSWORD)).token;
    const block = async () => {
      for (;;) {
        try {
          await api.block(aToken, users[1]!.userId);
          blockedAt = Date.now();
          return;
        } catch (error) {
          if (!(error instanceof CimApiError && (error.status === 0 || error.status >= 500))) throw error;
          await sleep(100);
        }
      }
    };
    const faults: Array<Promise<void>> = [];
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < MESSAGES; i++) {
      if (i === Math.floor(MESSAGES * 0.35)) {
        if (scenario === "gw-kill") {
          await stack.gateways[0]!.stop("SIGKILL");
          faults.push(block());
        } else {
          await stack.redis.stop("SIGKILL");
          faults.push(block());
          await sleep(1_500);
          await stack.redis.restart();
        }
      }
      if (i === Math.floor(MESSAGES * 0.7) && scenario === "gw-kill") stack.gateways[0] = await stack.startGateway("gw-a");
      const [from, peer] = plan[i % plan.length]!;
      const s: Sent = { i, from, to: users[peer]!.userId, text: `m${i} d${from}`, started: Date.now(), pair: peer !== 2 && devices[from]!.user !== 2 };
      sent.push(s);
      pending.push(devices[from]!.client.send({ to: s.to, text: s.text }).then((ack) => void (s.acked = ack.msgId), (error: { code?: string; message: string }) => void (s.code = error.code ?? error.message)));
      await sleep(25);
    }
    await Promise.all(faults);
    await Promise.race([Promise.all(pending), sleep(60_000)]);
    const intended = (s: Sent) => devices.flatMap((d, k) => (k !== s.from && (d.user === devices[s.from]!.user || d.user === users.findIndex((u) => u.userId === s.to)) ? [k] : []));
    const must = (k: number) => sent.filter((s) => s.acked && intended(s).includes(k));
    await waitUntil(() => devices.every((d, k) => must(k).every((s) => d.client.messages.some((m) => m.msgId === s.acked))), 30_000, "deliveries").catch(() => undefined);
    await sleep(1_000);
    const report = { scenario, sent: sent.length, acked: sent.filter((s) => s.acked).length, refused: {} as Record<string, number>, blockAnsweredAt: MESSAGES ? sent.findIndex((s) => s.started > blockedAt) : 0, lost: 0, duplicated: 0, outOfOrder: 0, pairAckedAfterBlock: 0, pairDeliveredAfterBlock: 0, samples: [] as string[] };
    for (const s of sent) if (s.code) report.refused[`${s.pair ? "pair" : "c"} ${s.code}`] = (report.refused[`${s.pair ? "pair" : "c"} ${s.code}`] ?? 0) + 1;
    const byText = new Map(sent.map((s) => [s.text, s]));
    for (const [k, d] of devices.entries()) {
      const seen = new Map<string, number>();
      const last = new Map<string, number>();
      for (const m of d.client.messages) {
        const s = byText.get(m.text);
        if (!s) continue;
        seen.set(m.text, (seen.get(m.text) ?? 0) + 1);
        if (seen.get(m.text)! > 1) report.duplicated++;
        if (s.pair && s.started > blockedAt) { report.pairDeliveredAfterBlock++; report.samples.push(`d${k} got ${s.text}`); }
        const lane = `${s.from} ${s.to}`;
        if ((last.get(lane) ?? -1) > s.i) { report.outOfOrder++; report.samples.push(`d${k} ${s.text} after m${last.get(lane)}`); }
        last.set(lane, Math.max(last.get(lane) ?? -1, s.i));
      }
      for (const s of must(k)) if (!seen.has(s.text)) { report.lost++; report.samples.push(`d${k} lost ${s.text}`); }
    }
    report.pairAckedAfterBlock = sent.filter((s) => s.pair && s.started > blockedAt && s.acked).length;
    console.log(JSON.stringify(report));
  } finally {
    for (const d of devices) d.client.close();
    await stack.stop();
  }
}

for (const name of values.scenario!.split(",")) await run(name);
process.exit(0);
