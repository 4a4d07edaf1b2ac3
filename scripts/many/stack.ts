// The many-sessions probes' stack: a devstack cluster, and users and tokens made with the operator tool
// (`cim-admin users create` / `token`), as an outside load test does (README, "Load testing from one machine").
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO_ROOT, TEST_TOKEN_SECRET, startCluster, type Cluster, type ClusterOptions } from "@cim/devstack";

const run = promisify(execFile);
export const PASSWORD = "cim-many-pass-1";

export interface Issued { userId: string; userName: string; token: string }

/** Runs `cim-admin` against the stack's Redis with its token secret; resolves with its stdout. */
async function cimAdmin(stack: Cluster, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "apps/route/src/admin-cli.ts", ...args, "--redis", stack.env.REDIS_URL!], {
    cwd: REPO_ROOT, env: { ...process.env, CIM_TOKEN_SECRET: TEST_TOKEN_SECRET }, maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** Creates `count` users `prefix1..prefixN` with the bulk tool. */
export async function createUsers(stack: Cluster, prefix: string, count: number): Promise<void> {
  await cimAdmin(stack, ["users", "create", "--count", String(count), "--prefix", prefix, "--password", PASSWORD]);
}

/** One fresh token (one login, one device) per user `prefix1..prefixN`, in that order. */
export async function issueTokens(stack: Cluster, prefix: string, count: number): Promise<Issued[]> {
  const out = await cimAdmin(stack, ["token", "--prefix", prefix, "--count", String(count)]);
  const byName = new Map(out.trim().split("\n").map((line) => JSON.parse(line) as Issued).map((t) => [t.userName, t]));
  return Array.from({ length: count }, (_, i) => byName.get(`${prefix}${i + 1}`)!);
}

export async function startStack(options: ClusterOptions): Promise<Cluster> {
  return startCluster({ gateways: 3, ...options });
}

export const wsUrlOf = (stack: Cluster, i: number) => `ws://127.0.0.1:${stack.gateways[i]!.port}/ws`;

/** A gateway's /metrics as name{labels} -> value. */
export async function metricsOf(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The warn and error lines (pino level 40+) route and the gateways printed, counted by label and message. */
export function complaints(stack: Cluster, extra: Array<{ process: { output: () => string } }> = [], also?: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  const apps = [["route", stack.route] as const, ...stack.gateways.map((g, i) => [`gw-${"abcdef"[i]}`, g] as const), ...extra.map((g, i) => [`extra-${i}`, g] as const)];
  for (const [label, app] of apps) {
    for (const line of app.process.output().split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string };
        if ((entry.level ?? 0) >= 40 || also?.test(entry.msg ?? "")) out[`${label} ${entry.level}: ${entry.msg}`] = (out[`${label} ${entry.level}: ${entry.msg}`] ?? 0) + 1;
      } catch { /* not JSON */ }
    }
  }
  return out;
}
