// The parent side of the CIM load processes (cim-agent.ts): forks them, each with its own source address
// 127.0.0.<2+i>, and sends them commands; a process holds at most ~20,000 sockets here.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AgentInit } from "./cim-agent.js";

const ENTRY = fileURLToPath(new URL("./cim-agent.ts", import.meta.url));
/** Sockets one load process may hold: the machine allows 20,000 open files per process. */
export const MAX_SOCKETS_PER_AGENT = 19_000;
/** Sockets from one source address to one gateway: the ephemeral port range here (32768-60999), with a margin. */
export const SOCKETS_PER_SOURCE_ADDRESS = 25_000;

export interface AgentStats {
  sessions: number;
  ready: number;
  byGateway: Record<string, number>;
  closesByCode: Record<string, number>;
  presenceBytes: number;
  presenceFrames: number;
  bytesIn: number;
  lastAckAt: number;
  reconnected: number;
  lastReconnectAt: number;
  reconnectFailures: number;
  reconnectMs: Float64Array;
}

/** A session to open: the bench's user number, its gateway's URL, its account id and a session token. */
export type AgentUser = [n: number, wsUrl: string, userId: string, token: string];

export interface OpenAnswer {
  opened: number;
  failed: number;
  firstError?: string;
  startedAt: number;
  lastAckAt: number;
}

export interface TrafficCheck {
  sent: number;
  acked: number;
  unacknowledged: number;
  lost: number;
  lostSample: string[];
  duplicates: number;
}

export class LoadAgent {
  private seq = 0;
  private readonly calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.on("message", (message: { id: number; result?: unknown; error?: string }) => {
      const call = this.calls.get(message.id);
      this.calls.delete(message.id);
      if (message.error) call?.reject(new Error(`load process ${index}: ${message.error}`));
      else call?.resolve(message.result);
    });
    child.on("exit", (code) => {
      for (const call of this.calls.values()) call.reject(new Error(`load process ${index} exited with ${code}`));
      this.calls.clear();
    });
  }

  private call<T>(command: Record<string, unknown>): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  init(init: AgentInit): Promise<void> {
    return this.call({ cmd: "init", init });
  }
  open(users: AgentUser[]): Promise<OpenAnswer> {
    return this.call({ cmd: "open", users });
  }
  stats(): Promise<AgentStats> {
    return this.call({ cmd: "stats" });
  }
  /** On: sessions whose socket is lost log in again through route, with the SDK's backoff. */
  reconnect(on: boolean): Promise<void> {
    return this.call({ cmd: "reconnect", on });
  }
  traffic(pairs: Array<[number, number]>, ratePerSec: number): Promise<void> {
    return this.call({ cmd: "traffic", pairs, ratePerSec });
  }
  stopTraffic(): Promise<void> {
    return this.call({ cmd: "stopTraffic" });
  }
  check(): Promise<TrafficCheck> {
    return this.call({ cmd: "check" });
  }
  async close(): Promise<void> {
    await this.call({ cmd: "close" }).catch(() => undefined);
    this.child.disconnect();
    if (this.child.exitCode === null) await new Promise((resolve) => this.child.once("exit", resolve));
  }
}

/**
 * Forks `count` load processes. With `sourceAddresses`, the first binds its sockets to 127.0.0.2, the next to
 * 127.0.0.3, ...: needed only when one gateway is to hold more sockets than the ephemeral ports of one source
 * address. Otherwise the kernel picks the source: binding first makes it search a free port for every socket
 * without knowing the destination (a third of a load process's CPU in a storm of 40,000).
 */
export async function startAgents(count: number, init: Omit<AgentInit, "localAddress">, sourceAddresses: boolean): Promise<LoadAgent[]> {
  const agents: LoadAgent[] = [];
  for (let i = 0; i < count; i++) {
    const profile = process.env.CIM_BENCH_AGENT_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.CIM_BENCH_AGENT_PROFILE_DIR}`] : [];
    const child = fork(ENTRY, [], { execArgv: ["--import", "tsx", ...profile], serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const agent = new LoadAgent(i, child);
    await agent.init({ ...init, ...(sourceAddresses ? { localAddress: `127.0.0.${2 + i}` } : {}) });
    agents.push(agent);
  }
  return agents;
}

/** Sums the agents' stats (reconnect times concatenated). */
export function sumStats(all: AgentStats[]): AgentStats {
  const total: AgentStats = { sessions: 0, ready: 0, byGateway: {}, closesByCode: {}, presenceBytes: 0, presenceFrames: 0, bytesIn: 0, lastAckAt: 0, reconnected: 0, lastReconnectAt: 0, reconnectFailures: 0, reconnectMs: new Float64Array() };
  for (const s of all) {
    for (const key of ["sessions", "ready", "presenceBytes", "presenceFrames", "bytesIn", "reconnected", "reconnectFailures"] as const) total[key] += s[key];
    total.lastAckAt = Math.max(total.lastAckAt, s.lastAckAt);
    total.lastReconnectAt = Math.max(total.lastReconnectAt, s.lastReconnectAt);
    for (const [k, v] of Object.entries(s.byGateway)) total.byGateway[k] = (total.byGateway[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.closesByCode)) total.closesByCode[k] = (total.closesByCode[k] ?? 0) + v;
    total.reconnectMs = Float64Array.from([...total.reconnectMs, ...s.reconnectMs]);
  }
  return total;
}
