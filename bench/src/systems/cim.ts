import { performance } from "node:perf_hooks";
// CIM under test: real Redis, ZooKeeper, route and N gateways from @cim/devstack, run from their production bundles
// as the Dockerfile ships them; raw ws clients with tokens issued
// by the operator tools. The bench numbers its users; Redis assigns their account ids (cim-users.ts maps one to the other).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { WebSocket } from "ws";
import { startCluster, type Cluster } from "@cim/devstack";
import { decodeFrame, encodeFrame } from "@cim/protocol";
import { CimUsers } from "./cim-users.js";
import { serverHookEnv } from "./server-hook.js";
import type { BenchSystem, Codec } from "./types.js";

export interface CimOptions {
  /** Gateway processes (2 or more). */
  gateways: number;
  /** When set, gateways and route write V8 CPU profiles (.cpuprofile) into this folder on exit. */
  profileDir?: string;
  /** `cluster`: a Redis Cluster (3 masters, 3 replicas) and a ZooKeeper ensemble of 3 instead of single nodes. */
  redis?: "single" | "cluster";
  /** CIM_REDIS_WAIT_REPLICAS of the gateways (0: off). */
  waitReplicas?: number;
}

/**
 * The bench lifts the per-session rate limit: the offered load is set by the workload, not by the limiter. The idle
 * and login timeouts are those of a deployment sized for storms (docs/DEPLOYMENT.md): with 100,000 sessions
 * opening at once on two cores shared with the load processes, a socket may wait more than the default 10 s between
 * its upgrade and the reading of its Login.
 */
export const GATEWAY_ENV = { CIM_RATE_PER_SEC: "1000000", CIM_RATE_BURST: "1000000", CIM_IDLE_TIMEOUT_MS: "120000", CIM_LOGIN_TIMEOUT_MS: "30000" };
/**
 * devstack's 4 s ZooKeeper session suits failover tests; on a loaded 2-core machine a stall that long happens,
 * and route then releases the routes of a live gateway. The bench measures throughput, not failover.
 */
export const CLUSTER_ENV = { ZK_SESSION_TIMEOUT_MS: "20000" };
const PING = Buffer.from(encodeFrame({ kind: "ping", body: { ts: 0 } }));
const BUILD_SERVERS = fileURLToPath(new URL("../../../scripts/build-servers.mjs", import.meta.url));
let built = false;

/** The product as it ships (Dockerfile): route and gateways bundled by `npm run build:servers`, run by plain node. */
function buildServers(): void {
  if (built) return;
  execFileSync(process.execPath, [BUILD_SERVERS], { stdio: ["ignore", "ignore", "inherit"] });
  built = true;
}

export function cimSystem(options: CimOptions): BenchSystem {
  let cluster: Cluster | null = null;
  const layout = options.redis ?? "single";
  const users = new CimUsers();
  let clientMsgSeq = 0;
  /** Private Sends not yet acknowledged, by clientMsgId: when each was made (the group workload's are not kept). */
  const sentAt = new Map<string, number>();
  const ackLatencies: number[] = [];

  const codec: Codec = {
    url: (_userId, server) => `ws://127.0.0.1:${cluster!.gateways[server % cluster!.gateways.length]!.port}/ws`,
    onOpen: (ws, userId) => {
      ws.send(encodeFrame({ kind: "login", body: { token: users.account(userId).token, messageBatches: true } }));
      return false;
    },
    onHandshake: (_ws, _userId, data) => {
      const frame = decodeFrame(data);
      if (frame.kind === "loginAck") return "ready";
      if (frame.kind === "error") return `${frame.body.code}: ${frame.body.message}`;
      return "wait";
    },
    privateFrame: (to, text) => {
      const clientMsgId = `b${++clientMsgSeq}`;
      sentAt.set(clientMsgId, performance.now());
      return Buffer.from(encodeFrame({ kind: "send", body: { clientMsgId, to: users.account(to).userId, text } }));
    },
    groupFrame: (text) => Buffer.from(encodeFrame({ kind: "send", body: { clientMsgId: `b${++clientMsgSeq}`, to: "", text } })),
    chatText: (_ws, data) => {
      const texts = messageText(data) ?? batchTexts(data);
      if (texts === null && sentAt.size > 0) {
        const clientMsgId = sendAckId(data);
        const at = clientMsgId === null ? undefined : sentAt.get(clientMsgId);
        if (at !== undefined) {
          ackLatencies.push(performance.now() - at);
          sentAt.delete(clientMsgId!);
        }
      }
      return texts;
    },
    takeAckLatencies: () => ackLatencies.splice(0),
    keepAlive: (ws: WebSocket) => ws.send(PING),
  };

  return {
    name: "cim",
    label: layout === "cluster" ? `CIM (Redis Cluster${options.waitReplicas ? `, WAIT ${options.waitReplicas}` : ""})` : "CIM",
    codec,
    get servers() {
      return options.gateways;
    },
    get cluster() {
      return cluster ?? undefined;
    },
    get routeUrl() {
      return cluster?.route.url;
    },
    async start() {
      if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
      const gatewayEnv = { ...GATEWAY_ENV, CIM_REDIS_WAIT_REPLICAS: String(options.waitReplicas ?? 0) };
      buildServers();
      cluster = await startCluster({ layout, gateways: options.gateways, built: true, env: { ...serverHookEnv(options.profileDir), ...CLUSTER_ENV }, gatewayEnv });
    },
    async stop() {
      // Profiles are written at exit, so stop gracefully first; otherwise the cluster's own stop (SIGKILL) is enough.
      if (options.profileDir)
        await Promise.all([...(cluster?.gateways ?? []), ...(cluster ? [cluster.route] : [])].map((app) => app.stop("SIGTERM")));
      await cluster?.stop();
      cluster = null;
      users.clear();
      sentAt.clear();
      ackLatencies.length = 0;
    },
    async checkpoint() {
      if (!options.profileDir || !cluster) return;
      // Before the clients close: a mass disconnect can keep a gateway too busy to handle a signal for long.
      for (const app of [cluster.route, ...cluster.gateways]) app.process.child.kill("SIGHUP");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    },
    diagnostics: () =>
      cluster ? [cluster.route, ...cluster.gateways].map((app) => app.process.output().slice(-3000)).join("\n---\n") : "",
    serverPids: () => cluster!.gateways.map((g) => g.process.child.pid!),
    // The Redis Cluster's nodes do not name their processes: its CPU is not reported.
    storePids: () => (cluster?.layout === "single" ? [cluster.redis.process().child.pid!] : []),
    async storeRewrites() {
      if (cluster?.layout !== "single") return NaN;
      const redis = new Redis(cluster.redis.address, { maxRetriesPerRequest: 1 });
      try {
        return Number(/aof_rewrites:(\d+)/.exec(await redis.info("persistence"))?.[1] ?? NaN);
      } finally {
        redis.disconnect();
      }
    },
    async prepareUsers(ids) {
      await users.create(cluster!, ids);
    },
    account: (n) => users.account(n),
  };
}

/** Reads protobuf fields of `buf` without building objects, as the ws ceiling reads its own frames. */
class FieldReader {
  constructor(private readonly buf: Buffer, public pos = 0) {}

  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }

  /** The text (field 5) of the Message whose bytes run from here to `end`; null when it has none. */
  messageText(end: number): string | null {
    let text: string | null = null;
    while (this.pos < end) {
      const tag = this.varint();
      const wire = tag & 7;
      if (wire === 0) this.varint();
      else if (wire === 2) {
        const len = this.varint();
        if (tag >>> 3 === 5) text = this.buf.toString("utf8", this.pos, this.pos + len);
        this.pos += len;
      } else if (wire === 1) this.pos += 8;
      else if (wire === 5) this.pos += 4;
      else return null;
    }
    return text;
  }
}

/** The text of a Message frame (Frame field 8, Message field 5); null for other frames. */
/** The clientMsgId of a SendAck frame (Frame field 7, SendAck field 1); null for other frames. */
export function sendAckId(buf: Buffer): string | null {
  const reader = new FieldReader(buf);
  if (reader.varint() !== ((7 << 3) | 2)) return null;
  reader.varint();
  if (reader.varint() !== ((1 << 3) | 2)) return null;
  const length = reader.varint();
  return buf.toString("utf8", reader.pos, reader.pos + length);
}

export function messageText(buf: Buffer): string | null {
  const reader = new FieldReader(buf);
  if (reader.varint() !== ((8 << 3) | 2)) return null;
  const end = reader.varint() + reader.pos;
  return reader.messageText(end);
}

/** The texts of a MessageBatch frame (Frame field 11, MessageBatch field 1, repeated Message); null for other frames. */
export function batchTexts(buf: Buffer): string[] | null {
  const reader = new FieldReader(buf);
  if (reader.varint() !== ((11 << 3) | 2)) return null;
  const end = reader.varint() + reader.pos;
  const texts: string[] = [];
  while (reader.pos < end) {
    if (reader.varint() !== ((1 << 3) | 2)) return null;
    const messageEnd = reader.varint() + reader.pos;
    texts.push(reader.messageText(messageEnd) ?? ""); // protobuf leaves an empty text out
  }
  return texts;
}
