// `npm run private-cost -w @cim/bench`: what one private message costs each CIM process in CPU, at a fixed offered
// rate, without the rest of the bench: the private workload's pairs (users 2i and 2i+1 on two gateways, so every
// message crosses gateways) on fresh servers run from the production bundles, driven at --rate for --duration seconds,
// --rounds times. Each round prints CPU µs per delivered message of each gateway, of Redis (/proc/<pid>/stat) and of
// this load process, and the storing script's calls, messages per call and µs per call (INFO commandstats). Compare
// these, not the latencies, between builds: CPU per message holds on a shared machine, p99 does not.
// --profile DIR writes the gateways' V8 CPU profiles there (as the bench's --profile).
import { Redis } from "ioredis";
import { readFlags, refuseFlags } from "../../scripts/cli-flags.mjs";
import { readFileSync } from "node:fs";
import { cimSystem } from "./systems/cim.js";
import { openPairs, type PrivateResult } from "./workloads/private.js";

const COMMAND = "npm run private-cost -w @cim/bench";
const HINT = `${COMMAND} -- --help lists the flags`;

const options = {
  rate: { type: "string", default: "1000" },
  duration: { type: "string", default: "10" },
  rounds: { type: "string", default: "3" },
  pairs: { type: "string", default: "100" },
  gateways: { type: "string", default: "2" },
  profile: { type: "string" },
} as const;

function count(text: string, name: string): number {
  if (!/^[1-9]\d*$/.test(text)) refuseFlags(COMMAND, `--${name} takes a positive whole number, got "${text}"`, HINT);
  return Number(text);
}

/** User and system CPU ms of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuSplitMs(pid: number): [number, number] {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return [Number(fields[11]) * 10, Number(fields[12]) * 10];
}

/** Per command of INFO commandstats: calls and total µs. */
function commandStats(info: string): Stats {
  const stats: Stats = new Map();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  return stats;
}

type Stats = Map<string, { calls: number; usec: number }>;

/** One round's line: CPU µs per delivered message of each gateway (user+system) and in all, the script's calls. */
function roundLine(round: number, result: PrivateResult, offered: number, gatewayCpu: number[][], stats: Stats, before: Stats): string {
  const evalsha = delta(stats, before, "evalsha");
  const each = gatewayCpu.map(([user, sys]) => `${((user! * 1000) / result.received).toFixed(0)}+${((sys! * 1000) / result.received).toFixed(0)}`).join(" / ");
  const script = evalsha.calls ? `${evalsha.calls}, ${(offered / evalsha.calls).toFixed(2)}, ${(evalsha.usec / evalsha.calls).toFixed(1)}` : "-";
  const { servers, store, load } = result.cpuUsPerMessage;
  return `| ${round} | ${result.received} | ${result.p50Ms.toFixed(2)} / ${result.p99Ms.toFixed(2)} | ${each} | ${servers.toFixed(0)} | ${store.toFixed(1)} | ${load.toFixed(0)} | ${script} |\n`;
}

function delta(stats: Stats, before: Stats, name: string): { calls: number; usec: number } {
  const now = stats.get(name) ?? { calls: 0, usec: 0 };
  const was = before.get(name) ?? { calls: 0, usec: 0 };
  return { calls: now.calls - was.calls, usec: now.usec - was.usec };
}

async function main(): Promise<void> {
  const values = readFlags(import.meta.url, options, { command: COMMAND, hint: HINT });
  const [rate, duration, rounds] = (["rate", "duration", "rounds"] as const).map((name) => count(values[name], name));
  const system = cimSystem({ gateways: count(values.gateways, "gateways"), profileDir: values.profile });
  await system.start();
  const redis = new Redis(system.cluster!.redis.address, { maxRetriesPerRequest: 1 });
  try {
    const traffic = await openPairs(system, count(values.pairs, "pairs"), 200);
    const gateways = system.serverPids();
    process.stdout.write(`CIM, ${gateways.length} gateways, ${rate} msg/s offered for ${duration} s a round (after 1 s warm-up); round 1 includes the gateways' compiling\n`);
    process.stdout.write("| round | delivered | p50 / p99 ms | each gateway user+sys µs/msg | gateways µs/msg | Redis µs/msg | load µs/msg | script calls, msgs/call, µs/call |\n|---|---:|---|---|---:|---:|---:|---|\n");
    let commands = "";
    for (let round = 1; round <= rounds!; round++) {
      // Per gateway and the script's calls over the whole round (its warm-up second and drain included, so a little
      // above the workload's measured window); messages per call counts the warm-up's messages too.
      const cpuBefore = gateways.map(cpuSplitMs);
      const before = commandStats(await redis.info("commandstats"));
      const result = await traffic.run(rate!, duration!);
      const gatewayCpu = gateways.map((pid, i) => cpuSplitMs(pid).map((ms, k) => ms - cpuBefore[i]![k]!));
      const stats = commandStats(await redis.info("commandstats"));
      const offered = result.sent + rate!;
      process.stdout.write(roundLine(round, result, offered, gatewayCpu, stats, before));
      commands = [...stats.keys()].map((name) => [name, delta(stats, before, name)] as const).filter(([, d]) => d.calls > 0.01 * offered)
        .map(([name, d]) => `${name} ${(d.calls / offered).toFixed(2)}/msg ${(d.usec / offered).toFixed(1)} µs/msg`).join(", ");
    }
    process.stdout.write(`Redis commands in the last round, per message offered: ${commands}\n`);
    await traffic.close();
  } finally {
    redis.disconnect();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`private-cost: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
