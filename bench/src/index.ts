// `npm run bench`: runs every workload against CIM, the Socket.IO peer and the bare ws ceiling, one system at a time.
// Each flag's meaning: bench/src/options.ts and docs/BENCHMARKS.md; results in bench/results/latest.{json,md,svg}.
import { mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";
import { parseFlags } from "./options.js";
import { markdownReport, markdownTable, svgChart, type BenchResults, type SystemResults } from "./report.js";
import { cimSystem } from "./systems/cim.js";
import { socketIoSystem } from "./systems/socketio.js";
import type { BenchSystem, SystemName } from "./systems/types.js";
import { wsCeilingSystem } from "./systems/ws-ceiling.js";
import { groupWorkload } from "./workloads/group.js";
import { idleWorkload } from "./workloads/idle.js";
import { loginWorkload } from "./workloads/login.js";
import { privateWorkload } from "./workloads/private.js";
import { reconnectWorkload } from "./workloads/reconnect.js";
import { saturationWorkload } from "./workloads/saturation.js";
import { stormWorkload } from "./workloads/storm.js";

const { values: flags, num, nums, list } = parseFlags();

const systemNames = list("systems") as SystemName[];
const workloads = new Set(list("workloads"));
const makers: Record<SystemName, () => BenchSystem> = {
  cim: () => cimSystem({ gateways: num("gateways"), profileDir: flags.profile, redis: redisLayout(), waitReplicas: Number(flags["wait-replicas"]) }),
  socketio: socketIoSystem,
  ws: wsCeilingSystem,
};

function redisLayout(): "single" | "cluster" {
  if (flags.redis !== "single" && flags.redis !== "cluster") throw new Error(`--redis must be single or cluster, got ${flags.redis}`);
  return flags.redis;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function attempt<T>(what: string, run: () => Promise<T>, system?: BenchSystem): Promise<T | { error: string }> {
  log(`${what}...`);
  try {
    const result = await run();
    log(`${what}: ${JSON.stringify(result)}`);
    return result;
  } catch (error) {
    log(`${what} failed: ${(error as Error).stack ?? String(error)}`);
    const diagnostics = system?.diagnostics?.();
    if (diagnostics) log(`server logs:\n${diagnostics}`);
    return { error: (error as Error).message };
  }
}

/** Every workload gets fresh servers: what one leaves behind (sessions closing, garbage) never skews the next. */
async function runSystem(system: BenchSystem): Promise<SystemResults> {
  const results: SystemResults = {};
  const concurrency = num("concurrency");
  const run = async <T>(workload: keyof SystemResults, body: () => Promise<T>) => {
    if (!workloads.has(workload)) return;
    log(`starting ${system.label} for ${workload}`);
    await system.start();
    try {
      (results as Record<string, unknown>)[workload] = await attempt(`${system.label} ${workload}`, body, system);
    } finally {
      await system.stop();
    }
  };
  await run("idle", () => idleWorkload(system, { connections: num("connections"), concurrency }));
  await run("private", () =>
    privateWorkload(system, { pairs: num("pairs"), ratePerSec: num("rate"), durationS: num("duration"), rounds: num("private-rounds"), concurrency }),
  );
  await run("group", () =>
    groupWorkload(system, { users: num("group-users"), messages: num("group-messages"), repeats: num("group-repeats"), bursts: num("group-bursts"), concurrency }),
  );
  await run("saturation", () =>
    saturationWorkload(
      system,
      { pairs: num("pairs"), rates: nums("saturation-rates"), durationS: num("saturation-duration"), p99BoundMs: num("saturation-p99"), concurrency },
      log,
    ),
  );
  if (system.name === "cim") {
    await run("login", () =>
      loginWorkload(system.routeUrl!, {
        users: num("login-users"),
        concurrency: num("login-concurrency"),
        durationS: num("login-duration"),
      }),
    );
    const sessions = { workers: num("workers"), concurrency: num("storm-concurrency") };
    await run("storm", () => stormWorkload(system, { ...sessions, sessions: num("sessions"), timeoutS: num("storm-timeout") }));
    await run("reconnect", () =>
      reconnectWorkload(
        system,
        { ...sessions, sessions: num("reconnect-sessions"), timeoutS: num("reconnect-timeout"), ratePerSec: num("reconnect-rate") },
        log,
      ),
    );
  }
  return results;
}

function commitOf(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
    return `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--", "apps", "packages") ? "+dirty" : ""}`;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      cpu: cpus()[0]?.model.trim() ?? "unknown",
      cores: cpus().length,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      kernel: release(),
      totalSeconds: 0,
      commit: commitOf(),
      loadAvg: { start: loadavg()[0]!, end: 0 },
    },
    options: Object.fromEntries(Object.entries(flags).filter(([k]) => k !== "out")),
    systems: {},
  };
  for (const name of systemNames) {
    if (!makers[name]) throw new Error(`unknown system ${name}: use cim, socketio, ws`);
    results.systems[name] = await runSystem(makers[name]());
  }
  results.meta.totalSeconds = Math.round((Date.now() - started) / 1000);
  results.meta.loadAvg.end = loadavg()[0]!;
  mkdirSync(flags.out!, { recursive: true });
  writeFileSync(`${flags.out}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${flags.out}/latest.md`, markdownReport(results));
  writeFileSync(`${flags.out}/latest.svg`, `${svgChart(results)}\n`);
  console.log(markdownTable(results));
  log(`wrote ${flags.out}latest.{json,md,svg} in ${results.meta.totalSeconds} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
