// N CIM sessions log in at once over G gateways from W load processes, presence as it ships: time to the last
// LoginAck, failures by close code, presence bytes received, gateway RSS and Redis memory per session.
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import type { Cluster } from "@cim/devstack";
import { MAX_SOCKETS_PER_AGENT, SOCKETS_PER_SOURCE_ADDRESS, startAgents, sumStats, type AgentUser, type LoadAgent } from "../load/agents.js";
import { collectGarbage, rssBytes, sleep } from "../load/stats.js";
import type { BenchSystem } from "../systems/types.js";

export interface StormOptions {
  sessions: number;
  workers: number;
  /** Handshakes in flight per load process. */
  concurrency: number;
  timeoutS: number;
}

export interface StormResult {
  sessions: number;
  gateways: number;
  workers: number;
  opened: number;
  failed: number;
  /** From the first connect to the last LoginAck. */
  lastLoginAckMs: number;
  loginsPerSec: number;
  /** Failed opens by close code (or "timeout", or a socket error code), and sockets lost after their LoginAck. */
  closesByCode: Record<string, number>;
  presenceBytes: number;
  presenceFrames: number;
  presenceBytesPerSession: number;
  /** Until presence stopped arriving (the storm's full cost), from the first connect. */
  settledMs: number;
  gatewayRssPerSessionBytes: number;
  redisBytesPerSession: number;
  redisUsedBytes: number;
  firstError?: string;
}

const BASE_ID = 6_000_000;
const QUIET_MS = 2_000;
const SETTLE_LIMIT_MS = 120_000;
const now = () => performance.timeOrigin + performance.now();

/** CIM's cluster of a system, or an error saying the workload needs CIM. */
export function clusterOf(system: BenchSystem) {
  if (!system.cluster) throw new Error(`${system.label} has no CIM cluster: this workload runs against CIM only`);
  return system.cluster;
}

/** used_memory of the Redis, or the sum over the masters of a Redis Cluster. */
export async function redisUsedMemory(cluster: Cluster): Promise<number> {
  const urls = cluster.redisCluster ? cluster.redisCluster.nodes.map((n) => `redis://${n.host}:${n.port}`) : [cluster.redis.address];
  let sum = 0;
  for (const url of urls) {
    const redis = new Redis(url);
    try {
      const info = await redis.info();
      if (/^role:master/m.test(info)) sum += Number(info.match(/^used_memory:(\d+)/m)?.[1] ?? NaN);
    } finally {
      redis.disconnect();
    }
  }
  return sum;
}

export async function gatewayRss(system: BenchSystem): Promise<number> {
  await collectGarbage(system.serverPids());
  return system.serverPids().reduce((sum, pid) => sum + rssBytes(pid), 0);
}

export interface Opened {
  agents: LoadAgent[];
  /** Per agent, its users (number, gateway URL, account id, token). */
  users: AgentUser[][];
  startedAt: number;
  answers: Awaited<ReturnType<LoadAgent["open"]>>[];
}

/** Creates the users, forks the load processes and opens every session at once; user i goes to gateway i / W mod G. */
export async function openSessions(system: BenchSystem, options: StormOptions, baseId: number): Promise<Opened> {
  const cluster = clusterOf(system);
  const workers = Math.max(options.workers, Math.ceil(options.sessions / MAX_SOCKETS_PER_AGENT));
  const ids = Array.from({ length: options.sessions }, (_, i) => baseId + i);
  await system.prepareUsers(ids);
  const urls = cluster.gateways.map((g) => `ws://127.0.0.1:${g.port}/ws`);
  const users: AgentUser[][] = Array.from({ length: workers }, () => []);
  ids.forEach((id, i) => {
    const { userId, token } = system.account!(id);
    users[i % workers]!.push([id, urls[Math.floor(i / workers) % urls.length]!, userId, token]);
  });
  // After a gateway is killed (reconnect), the survivors share its sessions.
  const perGateway = options.sessions / Math.max(1, cluster.gateways.length - 1);
  const agents = await startAgents(workers, { routeUrl: cluster.route.url, concurrency: options.concurrency, connectTimeoutMs: options.timeoutS * 1000 }, perGateway > SOCKETS_PER_SOURCE_ADDRESS);
  const startedAt = now();
  try {
    const answers = await Promise.all(agents.map((agent, i) => agent.open(users[i]!)));
    return { agents, users, startedAt, answers };
  } catch (error) {
    await Promise.all(agents.map((a) => a.close()));
    throw error;
  }
}

export async function stormWorkload(system: BenchSystem, options: StormOptions): Promise<StormResult> {
  const cluster = clusterOf(system);
  const rssBefore = await gatewayRss(system);
  const redisBefore = await redisUsedMemory(cluster);
  const opened = await openSessions(system, options, BASE_ID);
  const { agents, answers, startedAt } = opened;
  try {
    // Presence keeps arriving after the last LoginAck: wait until it stops, so its bytes are all counted.
    let stats = sumStats(await Promise.all(agents.map((a) => a.stats())));
    let quietSince = performance.now();
    const settleDeadline = performance.now() + SETTLE_LIMIT_MS;
    while (performance.now() - quietSince < QUIET_MS && performance.now() < settleDeadline) {
      await sleep(500);
      const next = sumStats(await Promise.all(agents.map((a) => a.stats())));
      if (next.presenceBytes !== stats.presenceBytes) quietSince = performance.now();
      stats = next;
    }
    const settledMs = now() - QUIET_MS - startedAt;
    const rssAfter = await gatewayRss(system);
    const redisAfter = await redisUsedMemory(cluster);
    const okCount = answers.reduce((n, a) => n + a.opened, 0);
    const lastLoginAckMs = Math.max(...answers.map((a) => a.lastAckAt)) - startedAt;
    return {
      sessions: options.sessions,
      gateways: cluster.gateways.length,
      workers: agents.length,
      opened: okCount,
      failed: answers.reduce((n, a) => n + a.failed, 0),
      lastLoginAckMs,
      loginsPerSec: (okCount / lastLoginAckMs) * 1000,
      closesByCode: stats.closesByCode,
      presenceBytes: stats.presenceBytes,
      presenceFrames: stats.presenceFrames,
      presenceBytesPerSession: stats.presenceBytes / Math.max(1, okCount),
      settledMs,
      gatewayRssPerSessionBytes: (rssAfter - rssBefore) / Math.max(1, okCount),
      redisBytesPerSession: (redisAfter - redisBefore) / Math.max(1, okCount),
      redisUsedBytes: redisAfter,
      firstError: answers.find((a) => a.firstError)?.firstError,
    };
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await sleep(1_000);
  }
}
