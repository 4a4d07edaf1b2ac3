// The ioredis client factory for both layouts, a single node or a Redis Cluster, and the few operations that
// differ between them: pub/sub (sharded channels on a cluster), SCAN (per master), WAIT (on the key's node).
import calculateSlot from "cluster-key-slot";
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { watchLink, type LinkWatchOptions } from "./link-watch.js";
import { failFastWhileLoading } from "./loading-guard.js";
import { waitOnNode } from "./node-waits.js";

export type { Redis } from "ioredis";
export { Cluster } from "ioredis";

/** A client of either layout; the stores take this. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: `clusterNodes` (host:port, any few nodes of the cluster) selects the cluster layout. */
export interface RedisTarget {
  url: string;
  clusterNodes?: readonly string[];
}

/** Reconnect delay of one node or of the cluster's slot map: 100 ms doubling to 2 s. */
const retryDelay = (attempt: number) => Math.min(50 * 2 ** attempt, 2_000);
/**
 * A command to a node that died (or a slot in the middle of a failover) is retried every RETRY_ON_FAILOVER_MS,
 * MAX_REDIRECTIONS times in all: about 8 s, enough for a replica to take over (cluster-node-timeout + election).
 */
const RETRY_ON_FAILOVER_MS = 250;
const MAX_REDIRECTIONS = 32;

/**
 * Commands that already carry a whole event-loop turn of work (private-batch.ts, the per-turn message count): an
 * auto-pipeline would only wrap each in a pipeline object of its own, garbage that a private message flow makes
 * at every turn (the gateways' young-generation pauses halved without them).
 */
const BATCHED_COMMANDS = ["cimStorePrivateAllBatch", "cimCountMessages"];

/**
 * A command unanswered this long fails ("Command timed out", which isRedisUnavailable counts): a Redis that stalls
 * (a huge command, a slow fsync, DEBUG SLEEP) or a link that went silent makes route answer 503 + Retry-After and
 * a gateway `unavailable`, rather than hold the request forever. Longer than any WAIT we issue (CIM_REDIS_WAIT_TIMEOUT_MS).
 * The default; the apps pass CIM_REDIS_COMMAND_TIMEOUT_MS.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 10_000;
/** The link watch (link-watch.ts): a PING this often, and a reconnect when one is unanswered this long. */
export const REDIS_LINK_CHECK_MS = 2_000;
export const REDIS_LINK_TIMEOUT_MS = 10_000;
/**
 * A connection made while Redis loads its data (LOADING) asks again this often whether it is done; ioredis waits
 * Redis' own estimate (up to 10 s), and an early estimate of a large AOF is long: route was ready 2.4 s after Redis
 * had loaded where the gateways were within 0.5 s (scripts/delivery-fault-probe.ts --scenario loading-start).
 */
const LOADING_RECHECK_MS = 1_000;
/** TCP keep-alive of every connection (single node and cluster nodes): the first probe after this long idle. */
const REDIS_KEEPALIVE_MS = 10_000;

/**
 * Builds a Redis client for `url`; `name` shows up in CLIENT LIST and logs. `link` is the link watch's timing
 * (REDIS_LINK_CHECK_MS and REDIS_LINK_TIMEOUT_MS unless a test wants it sooner).
 */
export function createRedis(url: string, name: string, options: RedisOptions = {}, link: LinkWatchOptions = { intervalMs: REDIS_LINK_CHECK_MS, timeoutMs: REDIS_LINK_TIMEOUT_MS }): Redis {
  const client = new Redis(url, {
    connectionName: name,
    // Commands queued while disconnected fail after this many reconnect attempts (PITFALLS: unbounded queue).
    maxRetriesPerRequest: 3,
    retryStrategy: retryDelay,
    lazyConnect: false,
    // Commands issued in the same tick go out as one write: many sessions share one connection.
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands: BATCHED_COMMANDS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    // Probes an idle socket whose peer vanished (a host gone without a FIN); link-watch.ts covers a busy one.
    keepAlive: REDIS_KEEPALIVE_MS,
    maxLoadingRetryTime: LOADING_RECHECK_MS,
    ...options,
  });
  watchLink(client, link);
  failFastWhileLoading(client);
  return client;
}

/**
 * Parses `host:port` entries, or `redis://[user:password@]host:port` and `rediss://...` (TLS) URLs, into ioredis'
 * startup nodes and the options every node connection needs (the credentials and TLS of the first URL with any).
 */
export function parseClusterNodes(list: readonly string[]): { nodes: Array<{ host: string; port: number }>; options: RedisOptions } {
  const options: RedisOptions = {};
  const nodes = list.map((entry) => {
    const url = new URL(/^rediss?:\/\//.test(entry.trim()) ? entry.trim() : `redis://${entry.trim()}`);
    if (!url.hostname || !url.port) throw new Error(`not a host:port: ${entry}`);
    if (url.password && options.password === undefined) {
      options.password = decodeURIComponent(url.password);
      if (url.username) options.username = decodeURIComponent(url.username);
    }
    if (url.protocol === "rediss:") options.tls = {};
    return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port) };
  });
  return { nodes, options };
}

/**
 * Builds the client of `target`: ioredis' Cluster when `clusterNodes` is set, else a single-node client. A
 * `subscriber` client of a cluster opens one sharded-subscriber connection per master (SSUBSCRIBE).
 */
export function createRedisClient(target: RedisTarget, name: string, options: { subscriber?: boolean; commandTimeoutMs?: number } = {}): RedisClient {
  if (!target.clusterNodes?.length) return createRedis(target.url, name, { commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS });
  const { nodes, options: nodeOptions } = parseClusterNodes(target.clusterNodes);
  const clusterOptions: ClusterOptions = {
    // No commandTimeout here, unlike createRedis: a command queued through a master failover must wait for the new
    // master, in order; timed out, a message's inbox step failed while the conversation's next one got through.
    redisOptions: { connectionName: name, maxRetriesPerRequest: 3, keepAlive: REDIS_KEEPALIVE_MS, maxLoadingRetryTime: LOADING_RECHECK_MS, ...nodeOptions },
    clusterRetryStrategy: retryDelay,
    retryDelayOnFailover: RETRY_ON_FAILOVER_MS,
    retryDelayOnClusterDown: RETRY_ON_FAILOVER_MS,
    retryDelayOnTryAgain: RETRY_ON_FAILOVER_MS,
    maxRedirections: MAX_REDIRECTIONS,
    // No auto-pipelining on a cluster: ioredis retries a pipeline after MOVED, ASK or CLUSTERDOWN only when every
    // command in it failed the same way and no write in it succeeded, and an auto-pipeline mixes the commands of
    // many slots and sessions. In a failover its commands then failed one by one (MOVED with their own slot
    // numbers, CLUSTERDOWN beside writes that went through): sends answered unavailable and hundreds of error
    // lines. Single commands are redirected and retried (retryDelayOnFailover, retryDelayOnClusterDown).
    enableAutoPipelining: false,
    shardedSubscribers: options.subscriber === true,
  };
  const cluster = new Cluster(nodes, clusterOptions);
  // Each node's connection fails fast while its node loads its data (loading-guard.ts), as a single node's does:
  // without a command timeout, a command to a master restarted on a large AOF waited for the whole load. The pool
  // made its first connections in the constructor, before "+node" could be heard.
  const loaded = () => void cluster.emit(NODE_LOADED);
  for (const node of cluster.nodes("all")) failFastWhileLoading(node, loaded);
  cluster.on("+node", (node: Redis) => failFastWhileLoading(node, loaded));
  return cluster;
}

/** What a cluster client emits when one of its node connections is ready after its node loaded its data. */
export const NODE_LOADED = "cim:node-loaded";

/**
 * Calls `handler` each time a node of a cluster client has loaded its data, after commands to it failed fast with
 * LOADING (a catch-up that ran meanwhile, on a sharded subscriber ready at once, failed where it read that node).
 * A single node needs none: its clients say "ready" only once it has loaded.
 */
export function onNodeLoaded(client: RedisClient, handler: () => void): void {
  if (isCluster(client)) client.on(NODE_LOADED, handler);
}

/** Undoes `onNodeLoaded`. */
export function offNodeLoaded(client: RedisClient, handler: () => void): void {
  if (isCluster(client)) client.off(NODE_LOADED, handler);
}

/**
 * True for the failures of a Redis that is down or not serving yet (a command given up after its reconnect
 * attempts, a closed connection, a cluster with no node, a node still loading its data), or that answers but refuses
 * writes (MISCONF: its AOF or RDB cannot be written, a full disk; NOREPLICAS: min-replicas-to-write; READONLY: a
 * replica; OOM: maxmemory reached): "retry later", not a bug. Taken for bugs, those were a 500 at route and an
 * error with a stack per request and per Send (scripts/store-refusal-probe.ts).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // AbortError: a command of a pipeline whose connection closed after part of its answers came (the link watch's
  // reconnect, a reset link); ioredis cannot resend it, so it failed like any command of a lost connection.
  if (error.name === "MaxRetriesPerRequestError" || error.name === "ClusterAllFailedError") return true;
  if (error.name === "AbortError" && error.message.startsWith("Command aborted")) return true;
  // A MULTI whose queued commands Redis refused (out of memory it refuses any command queued in a MULTI): EXEC
  // answers EXECABORT, and ioredis lists the refusals in previousErrors.
  if (/^EXECABORT\b/.test(error.message)) return ((error as { previousErrors?: unknown[] }).previousErrors ?? []).some(isRedisUnavailable);
  return error.message === "Connection is closed." || error.message === "Command timed out" || /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|MISCONF|NOREPLICAS|READONLY|OOM)\b/.test(error.message);
}

/**
 * True for a Redis that answers but refuses writes (MISCONF, NOREPLICAS, READONLY, OOM; a MULTI of such refusals):
 * reads go on there, so a read that also writes something it can do without (a backfill's notes) still answers.
 */
export function isWriteRefusal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/^EXECABORT\b/.test(error.message)) return ((error as { previousErrors?: unknown[] }).previousErrors ?? []).some(isWriteRefusal);
  return /^(MISCONF|NOREPLICAS|READONLY|OOM)\b/.test(error.message);
}

/** For a `.catch`: nothing when Redis refused a write (isWriteRefusal), else the error thrown on. */
export function unlessWriteRefused(error: unknown): undefined {
  if (isWriteRefusal(error)) return undefined;
  throw error;
}

/** True for ioredis' Cluster client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/** PUBLISH on a single node; SPUBLISH on a cluster (the channel lives on its slot's shard only). */
export function publish(client: RedisClient, channel: string, payload: string): Promise<unknown> {
  return isCluster(client) ? client.spublish(channel, payload) : client.publish(channel, payload);
}

/**
 * Subscribes `client` (in subscriber mode) to `channels`: SUBSCRIBE, or on a cluster one SSUBSCRIBE per channel
 * (one SSUBSCRIBE may only name channels of one slot).
 */
export async function subscribe(client: RedisClient, ...channels: string[]): Promise<void> {
  if (isCluster(client)) await Promise.all(channels.map((channel) => client.ssubscribe(channel)));
  else await client.subscribe(...channels);
}

/** Undoes `subscribe` for `channels` (never without arguments: ioredis' sharded subscribers refuse that). */
export async function unsubscribe(client: RedisClient, ...channels: string[]): Promise<void> {
  if (isCluster(client)) await Promise.all(channels.map((channel) => client.sunsubscribe(channel)));
  else await client.unsubscribe(...channels);
}

/** Calls `handler` for every message of a channel `subscribe` named (`message`, or `smessage` on a cluster). */
export function onBusMessage(client: RedisClient, handler: (channel: string, payload: string) => void): void {
  client.on(isCluster(client) ? "smessage" : "message", handler);
}

/** Undoes `onBusMessage` for `handler`. */
export function offBusMessage(client: RedisClient, handler: (channel: string, payload: string) => void): void {
  client.off(isCluster(client) ? "smessage" : "message", handler);
}

/** The nodes that hold data: every master of a cluster, or the one node. */
export function dataNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes("master") : [client];
}

/** Whole SCANs of a cluster tried, at most, when a master's connection closes under one. */
const SCAN_ATTEMPTS = 3;

/**
 * Every key matching `pattern` (SCAN, never KEYS), over every master of a cluster. ioredis replaces a node's
 * connection when its slot map changes (a refresh right after start, a failover), and a SCAN on the old one fails
 * "Connection is closed." (route once failed to start with it, from its start-up SCAN): the slot map is then read
 * again and the SCAN done again.
 */
export async function scanKeys(client: RedisClient, pattern: string, count = 1000): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scanOnce(client, pattern, count);
    } catch (error) {
      if (!isCluster(client) || attempt >= SCAN_ATTEMPTS || !isRedisUnavailable(error)) throw error;
      await new Promise<void>((resolve) => client.refreshSlotsCache(() => resolve()));
    }
  }
}

async function scanOnce(client: RedisClient, pattern: string, count: number): Promise<string[]> {
  const found: string[] = [];
  for (const node of dataNodes(client)) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      found.push(...batch);
      cursor = next;
    } while (cursor !== "0");
  }
  return found;
}

/** The connection to the master that holds `key`'s slot now (ioredis' slot map); undefined while it knows none. */
export function nodeOfKey(client: Cluster, key: string): Redis | undefined {
  // ioredis' slot map: slots[slot] = ["host:port" of the master, replicas...].
  const nodeKey = client.slots[calculateSlot(key)]?.[0];
  return client.nodes("master").find((node) => `${node.options.host}:${node.options.port}` === nodeKey);
}

/** What WAIT found: the fewest replicas any node reached, and whether a node that fell short is no longer a master. */
export interface ReplicaWaitResult {
  replicas: number;
  /**
   * A node that took the write and fell short is a replica now: another node was promoted over it (it was paused
   * or cut off past cluster-node-timeout, then came back and took writes before it learnt so), and its writes that
   * no replica had are gone with the resync.
   */
  demoted: boolean;
}

/**
 * WAIT on the connections that wrote `keys`: the one connection of a single node, or on a cluster the connection
 * to each node holding one of their slots (once per node, all at once; WAIT counts the writes of its own
 * connection; shared with other callers, and left out while the node lacks replicas: waitOnNode). A node that reached
 * fewer than `replicas` within `timeoutMs` is asked for its ROLE.
 */
export async function waitForReplicasOf(client: RedisClient, keys: readonly string[], replicas: number, timeoutMs: number): Promise<ReplicaWaitResult> {
  const nodes = new Set<Redis>();
  if (!isCluster(client)) nodes.add(client);
  else {
    for (const key of keys) {
      const node = nodeOfKey(client, key);
      if (!node) throw new Error(`no node holds the slot of ${key}`);
      nodes.add(node);
    }
  }
  const results = await Promise.all([...nodes].map((node) => waitOnNode(node, replicas, timeoutMs)));
  return { replicas: Math.min(...results.map((r) => r.reached)), demoted: results.some((r) => r.demoted) };
}
