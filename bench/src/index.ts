// `npm run bench`: runs every workload against CIM, the Socket.IO peer and the bare ws ceiling, one system at a time.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markdownReport, markdownTable, svgChart, type BenchResults, type SystemResults } from "./report.js";
import { cimSystem } from "./systems/cim.js";
import { socketIoSystem } from "./systems/socketio.js";
import type { BenchSystem, SystemName } from "./systems/types.js";
import { wsCeilingSystem } from "./systems/ws-ceiling.js";
import { groupWorkload } from "./workloads/group.js";
import { idleWorkload } from "./workloads/idle.js";
import { loginWorkload } from "./workloads/login.js";
import { privateWorkload } from "./workloads/private.js";

const { values: flags } = parseArgs({
  options: {
    systems: { type: "string", default: "cim,socketio,ws" },
    workloads: { type: "string", default: "idle,private,group,login" },
    connections: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "200" },
    pairs: { type: "string", default: "100" },
    rate: { type: "string", default: "2000" },
    duration: { type: "string", default: "10" },
    "group-users": { type: "string", default: "5000" },
    "group-messages": { type: "string", default: "50" },
    "group-repeats": { type: "string", default: "5" },
    "login-users": { type: "string", default: "50" },
    "login-concurrency": { type: "string", default: "8" },
    "login-duration": { type: "string", default: "5" },
    presence: { type: "boolean", default: false },
    out: { type: "string", default: fileURLToPath(new URL("../results/", import.meta.url)) },
  },
});

const num = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${String(flags[name])}`);
  return value;
};

const systemNames = flags.systems!.split(",") as SystemName[];
const workloads = new Set(flags.workloads!.split(","));
const makers: Record<SystemName, () => BenchSystem> = {
  cim: () => cimSystem({ presence: flags.presence! }),
  socketio: socketIoSystem,
  ws: wsCeilingSystem,
};

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function attempt<T>(what: string, run: () => Promise<T>): Promise<T | { error: string }> {
  log(`${what}...`);
  try {
    const result = await run();
    log(`${what}: ${JSON.stringify(result)}`);
    return result;
  } catch (error) {
    log(`${what} failed: ${(error as Error).stack ?? String(error)}`);
    return { error: (error as Error).message };
  }
}

async function runSystem(system: BenchSystem): Promise<SystemResults> {
  const results: SystemResults = {};
  const concurrency = num("concurrency");
  log(`starting ${system.label}`);
  await system.start();
  try {
    if (workloads.has("idle")) results.idle = await attempt(`${system.label} idle`, () => idleWorkload(system, { connections: num("connections"), concurrency }));
    if (workloads.has("private")) {
      results.private = await attempt(`${system.label} private`, () =>
        privateWorkload(system, { pairs: num("pairs"), ratePerSec: num("rate"), durationS: num("duration"), concurrency }));
    }
    if (workloads.has("group")) {
      results.group = await attempt(`${system.label} group`, () =>
        groupWorkload(system, { users: num("group-users"), messages: num("group-messages"), repeats: num("group-repeats"), concurrency }));
    }
    if (workloads.has("login") && system.routeUrl) {
      const routeUrl = system.routeUrl;
      results.login = await attempt(`${system.label} login`, () =>
        loginWorkload(routeUrl, { users: num("login-users"), concurrency: num("login-concurrency"), durationS: num("login-duration") }));
    }
  } finally {
    log(`stopping ${system.label}`);
    await system.stop();
  }
  return results;
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      cpu: cpus()[0]?.model.trim() ?? "unknown", cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version, kernel: release(), totalSeconds: 0,
    },
    options: Object.fromEntries(Object.entries(flags).filter(([k]) => k !== "out")),
    systems: {},
  };
  for (const name of systemNames) {
    if (!makers[name]) throw new Error(`unknown system ${name}: use cim, socketio, ws`);
    results.systems[name] = await runSystem(makers[name]());
  }
  results.meta.totalSeconds = Math.round((Date.now() - started) / 1000);
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
