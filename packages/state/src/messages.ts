// Message streams: idempotent storing (dedupe on clientMsgId) with a global, ordered msgId, and history.
import type { Redis } from "ioredis";
import { keys } from "./keys.js";

/** A stored message as every layer sees it; `to` is "" for the group. */
export interface StoredMessage {
  msgId: string;
  from: string;
  fromName: string;
  to: string;
  text: string;
  ts: number;
}

// KEYS: dedupe, seq, stream, counter. ARGV: from, fromName, to, text, maxLen, dedupeTtlSeconds.
// One script, so a retried call (ioredis resends after reconnect) finds the dedupe record, never stores twice.
const STORE = `
local existing = redis.call('GET', KEYS[1])
if existing then return {existing, 1} end
local seq = redis.call('INCR', KEYS[2])
local now = redis.call('TIME')
local ts = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], seq .. '-0',
  'from', ARGV[1], 'fromName', ARGV[2], 'to', ARGV[3], 'text', ARGV[4], 'ts', ts)
redis.call('INCR', KEYS[4])
local record = seq .. ':' .. ts
redis.call('SET', KEYS[1], record, 'EX', ARGV[6])
return {record, 0}
`;

export interface MessageStoreOptions {
  /** Approximate number of messages kept per conversation stream. */
  maxLenPerStream: number;
  /** How long a clientMsgId is remembered for dedupe. */
  dedupeTtlSeconds: number;
}

const DEFAULTS: MessageStoreOptions = { maxLenPerStream: 10_000, dedupeTtlSeconds: 86_400 };

export class MessageStore {
  private readonly options: MessageStoreOptions;

  constructor(private readonly redis: Redis, options: Partial<MessageStoreOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    redis.defineCommand("cimStoreMessage", { numberOfKeys: 4, lua: STORE });
  }

  /** Stores a message once per (from, clientMsgId); `duplicate` is true when it was stored before. */
  async store(input: { clientMsgId: string; from: string; fromName: string; to: string; text: string }): Promise<{ message: StoredMessage; duplicate: boolean }> {
    const stream = streamOf(input.from, input.to);
    const run = (this.redis as unknown as { cimStoreMessage: (...args: string[]) => Promise<[string, number]> }).cimStoreMessage;
    const [record, duplicate] = await run.call(
      this.redis,
      keys.dedupe(input.from, input.clientMsgId),
      keys.messageSeq,
      stream,
      keys.messageCount,
      input.from,
      input.fromName,
      input.to,
      input.text,
      String(this.options.maxLenPerStream),
      String(this.options.dedupeTtlSeconds),
    );
    const [msgId = "", ts = "0"] = record.split(":");
    return { message: { msgId, from: input.from, fromName: input.fromName, to: input.to, text: input.text, ts: Number(ts) }, duplicate: duplicate === 1 };
  }

  /** The `limit` messages before `before` (or the newest), oldest first. */
  async history(query: { userId: string; peer?: string; before?: string; limit: number }): Promise<StoredMessage[]> {
    const stream = streamOf(query.userId, query.peer ?? "");
    const end = query.before ? `(${query.before}-0` : "+";
    const entries = await this.redis.xrevrange(stream, end, "-", "COUNT", query.limit);
    return entries.reverse().map(([id, fields]) => toMessage(id, fields));
  }

  /** Total messages accepted since the store began. */
  async count(): Promise<number> {
    return Number((await this.redis.get(keys.messageCount)) ?? 0);
  }
}

function streamOf(from: string, to: string): string {
  return to ? keys.privateStream(from, to) : keys.groupStream;
}

function toMessage(id: string, fields: string[]): StoredMessage {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  return {
    msgId: id.split("-")[0]!,
    from: map.get("from") ?? "",
    fromName: map.get("fromName") ?? "",
    to: map.get("to") ?? "",
    text: map.get("text") ?? "",
    ts: Number(map.get("ts") ?? 0),
  };
}
