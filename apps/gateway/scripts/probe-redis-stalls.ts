// Probe (not part of npm test): the fault scenario over 3 gateways while the single Redis stalls without
// disconnecting (DEBUG SLEEP 3, DEBUG SLEEP 12, CLIENT PAUSE 5000 WRITE, appendfsync always), and one gateway's link
// to Redis goes through a TCP proxy that adds latency, stalls 20 s (a half-dead connection) and resets.
// Usage: npx tsx apps/gateway/scripts/probe-redis-stalls.ts [stalls|link|all]   (about 1-2 minutes per part)
import { Redis } from "ioredis";
import { readFileSync, writeFileSync } from "node:fs";
import { RouteApi } from "@cim/client";
import { runFaultScenario, startLinkProxy, type Cluster, type LinkProxy } from "@cim/devstack";
import { rawDevice, TEST_PASSWORD } from "../src/test-support.js";
import { readArgs, refuseFlags } from "../../../scripts/cli-flags.mjs";

const { positionals } = readArgs(import.meta.url, {}, { allowPositionals: true });
const which = positionals[0] ?? "all";
if (positionals.length > 1 || !["stalls", "link", "all"].includes(which)) refuseFlags("apps/gateway/scripts/probe-redis-stalls.ts", `the part is stalls, link or all, got ${positionals.join(" ")}`);
const MESSAGES = Number(process.env.PROBE_MESSAGES ?? 3_000);

function logStats(label: string, output: string) {
  writeFileSync(`/tmp/probe-redis-stalls-${label}.log`, output);
  const lines = output.split("\n").filter((l) => /"level":(4|5)\d/.test(l));
  const byMsg = new Map<string, number>();
  for (const line of lines) {
    const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 120);
    byMsg.set(msg, (byMsg.get(msg) ?? 0) + 1);
  }
  console.log(`${label}: ${lines.length} warn/error lines`, Object.fromEntries(byMsg));
}

const rssMb = (pid: number | undefined) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** One device floods 4 KB sends (not awaited) while Redis sleeps; reports the gateways' RSS before and at peak. */
async function flooder(stack: Cluster): Promise<(seconds: number) => Promise<string>> {
  const api = new RouteApi(stack.route.url);
  const name = `flood${Date.now()}`;
  await api.register(name, TEST_PASSWORD);
  const { userId } = await api.register(`${name}-to`, TEST_PASSWORD);
  const login = await api.login(name, TEST_PASSWORD);
  const device = await rawDevice(login.gateway.wsUrl, login.token);
  return (seconds) => flood(stack, device, userId, seconds);
}

async function flood(stack: Cluster, device: Awaited<ReturnType<typeof rawDevice>>, userId: string, seconds: number): Promise<string> {
  const pids = stack.gateways.map((g) => g.process.child.pid);
  const before = pids.map(rssMb);
  const peak = [...before];
  const answers = new Map<string, number>();
  const sends: Array<Promise<void>> = [];
  const end = Date.now() + seconds * 1000;
  const text = "x".repeat(1000);
  while (Date.now() < end) {
    for (let i = 0; i < 50; i++) sends.push(device.say({ to: userId, text }).then(() => "ack", (e: Error) => e.message).then((a) => void answers.set(a, (answers.get(a) ?? 0) + 1)));
    pids.forEach((pid, i) => (peak[i] = Math.max(peak[i]!, rssMb(pid))));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(sends);
  device.ws.close();
  return `flood ${sends.length} sends: ${JSON.stringify(Object.fromEntries(answers))}; rss MB before ${before.map(Math.round)} peak ${peak.map(Math.round)}`;
}

async function stalls() {
  let route = "";
  const gws: string[] = [];
  const summary = await runFaultScenario({
    stack: { layout: "single", gateways: 3 },
    messages: MESSAGES,
    faults: (stack, done) => {
      const admin = () => new Redis(stack.redis.address, { maxRetriesPerRequest: 1 });
      const at = (share: number) => Math.floor(MESSAGES * share);
      const grab = () => {
        route = stack.route.process.output();
        gws.splice(0, gws.length, ...stack.gateways.map((g) => g.process.output()));
      };
      let floodReady: Promise<(seconds: number) => Promise<string>>;
      return new Map([
        [at(0.1), async () => {
          floodReady = flooder(stack);
          const r = admin();
          await r.config("SET", "appendfsync", "always");
          done("appendfsync always");
          r.disconnect();
        }],
        [at(0.2), async () => {
          const r = admin();
          const t = Date.now();
          await r.call("DEBUG", "SLEEP", "3");
          done(`debug sleep 3 (${Date.now() - t} ms)`);
          r.disconnect();
        }],
        [at(0.4), async () => {
          const r = admin();
          const t = Date.now();
          const sleeping = r.call("DEBUG", "SLEEP", "12");
          const flooding = (await floodReady)(11).then(done, (e: Error) => done(`flood failed: ${e.message}`));
          await new Promise((resolve) => setTimeout(resolve, 300));
          const h = Date.now();
          const answer = await fetch(`${stack.route.url}/api/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userName: `probe${Date.now()}`, password: "probe-password-1234" }) })
            .then(async (res) => `${res.status} retry-after=${res.headers.get("retry-after")} ${(await res.text()).slice(0, 80)}`, (e: Error) => e.message);
          done(`route during sleep 12: ${answer} after ${Date.now() - h} ms`);
          await sleeping;
          await flooding;
          done(`debug sleep 12 (${Date.now() - t} ms)`);
          r.disconnect();
        }],
        [at(0.8), async () => {
          const r = admin();
          await r.call("CLIENT", "PAUSE", "5000", "WRITE");
          done("client pause 5000 write");
          r.disconnect();
        }],
        [at(0.99), async () => {
          grab();
        }],
      ]);
    },
  });
  console.log(`stalls: ${JSON.stringify(summary)}`);
  logStats("route", route);
  gws.forEach((o, i) => logStats(`gw${i}`, o));
}

async function link() {
  let proxy: LinkProxy | undefined;
  const outputs: string[] = [];
  const summary = await runFaultScenario({
    stack: { layout: "single", gateways: 2 },
    messages: MESSAGES,
    prepare: async (stack) => {
      proxy = await startLinkProxy(stack.redis.port);
      stack.gateways.push(await stack.startGateway("gw-c", { REDIS_URL: `redis://127.0.0.1:${proxy.port}` }));
    },
    faults: (stack, done) => {
      const at = (share: number) => Math.floor(MESSAGES * share);
      return new Map([
        [at(0.05), async () => {
          proxy!.setLatency(150);
          done("latency 150");
        }],
        [at(0.2), async () => {
          proxy!.setLatency(0);
          const accepted = proxy!.accepted();
          const t = Date.now();
          proxy!.stall();
          done(`stall (connections so far ${accepted})`);
          while (proxy!.accepted() < accepted + 2 && Date.now() - t < 20_000) await new Promise((resolve) => setTimeout(resolve, 100));
          done(`gw-c reconnected ${proxy!.accepted() - accepted} connections after ${Date.now() - t} ms of stall`);
        }],
        [at(0.2) + 2000, async () => {
          proxy!.resume();
          done("resume");
        }],
        [at(0.93), async () => {
          proxy!.reset();
          done("reset");
        }],
        [at(0.99), async () => {
          outputs.push(...stack.gateways.map((g) => g.process.output()));
        }],
      ]);
    },
  });
  await proxy?.close();
  console.log(`link: ${JSON.stringify(summary)}`);
  outputs.forEach((o, i) => logStats(`gw${i}`, o));
}

if (which === "stalls" || which === "all") await stalls();
if (which === "link" || which === "all") await link();
process.exit(0);
