// The bench's flags in one table: each workload reads its own; another flag is one more line here. They are read as
// the scripts' are (scripts/cli-flags.mjs): `--help` prints the usage, a bad flag is one line and exit 2.
import { fileURLToPath } from "node:url";
import { readFlags } from "../../scripts/cli-flags.mjs";

export const FLAGS = {
  systems: { type: "string", default: "cim,socketio,ws" },
  workloads: { type: "string", default: "idle,private,group,login,storm,reconnect,saturation" },
  /** Gateways of CIM (every workload); the peers always run two servers. */
  gateways: { type: "string", default: "2" },
  /** Load processes of the storm and reconnect workloads (each may hold at most ~20,000 sockets here). */
  workers: { type: "string", default: "2" },
  connections: { type: "string", default: "10000" },
  concurrency: { type: "string", default: "200" },
  pairs: { type: "string", default: "100" },
  rate: { type: "string", default: "1000" },
  duration: { type: "string", default: "10" },
  /** private: runs of --duration on the same sessions; the report takes the one of the median p99. */
  "private-rounds": { type: "string", default: "3" },
  "group-users": { type: "string", default: "2000" },
  "group-messages": { type: "string", default: "50" },
  "group-repeats": { type: "string", default: "5" },
  "group-bursts": { type: "string", default: "3" },
  "login-users": { type: "string", default: "50" },
  "login-concurrency": { type: "string", default: "8" },
  "login-duration": { type: "string", default: "5" },
  /**
   * storm: sessions logging in at once, handshakes in flight per worker, the longest wait. 20,000 puts 10,000 on each
   * default gateway: RSS per session at 2,500 a gateway mostly measured a gateway's fixed growth spread thin.
   */
  sessions: { type: "string", default: "20000" },
  "storm-concurrency": { type: "string", default: "1000" },
  "storm-timeout": { type: "string", default: "300" },
  /** reconnect: sessions before the kill, private messages per second sent throughout, the longest wait. */
  "reconnect-sessions": { type: "string", default: "5000" },
  "reconnect-rate": { type: "string", default: "200" },
  "reconnect-timeout": { type: "string", default: "180" },
  /** saturation: offered private rates tried in order (msg/s) until one misses, seconds per step, the p99 bound. */
  "saturation-rates": { type: "string", default: "1000,2000,4000,6000,8000,10000,13000,16000,20000,25000" },
  "saturation-duration": { type: "string", default: "4" },
  "saturation-p99": { type: "string", default: "50" },
  /** `single` (default) or `cluster`: CIM on a Redis Cluster (3 masters, 3 replicas) and a ZooKeeper ensemble. */
  redis: { type: "string", default: "single" },
  /** CIM's gateways WAIT for this many replicas before each SendAck (0: off; needs --redis cluster). */
  "wait-replicas": { type: "string", default: "0" },
  profile: { type: "string" },
  out: { type: "string", default: fileURLToPath(new URL("../results/", import.meta.url)) },
} as const;

export type FlagName = keyof typeof FLAGS;

const COMMAND = "npm run bench";
const HINT = "npm run bench -- --help lists the flags";

/**
 * The flags in `args` (default: this process's) with number and list readers, or it stops the process: `--help`
 * prints index.ts's opening comment and every flag with its default, exit 0; an unknown flag is one line, exit 2. A bad
 * number throws when its workload reads it (that workload's result is the error).
 */
export function parseFlags(args: string[] = process.argv.slice(2)) {
  const values = readFlags(new URL("./index.ts", import.meta.url).href, FLAGS, { args, command: COMMAND, hint: HINT });
  /** A positive number flag; the error names the flag. */
  const num = (name: FlagName): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${String(values[name])}`);
    return value;
  };
  /** A comma-separated list of positive numbers. */
  const nums = (name: FlagName): number[] =>
    String(values[name]).split(",").map((part) => {
      const value = Number(part);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must list positive numbers, got ${part}`);
      return value;
    });
  const list = (name: FlagName): string[] => String(values[name]).split(",").filter(Boolean);
  return { values, num, nums, list };
}

export type Flags = ReturnType<typeof parseFlags>;
