// Message streams: idempotent storing (dedupe on clientMsgId) with a global, ordered msgId; reads for
// delivery, recovery and history.
import type { ClientContext, Redis, Result } from "ioredis";
import { compareIds } from "@cim/protocol";
import { channels, keys } from "./keys.js";

/** A stored message as every layer sees it; `to` is "" for the group and rooms, `room` "" but in rooms. */
export interface StoredMessage {
  msgId: string;
  from: string;
  fromName: string;
  to: string;
  text: string;
  ts: number;
  room: string;
}

// KEYS: dedupe, seq, conversation stream, counter, recipient inbox, recipient route, recipient account
//   (the last three "" for the group).
// ARGV: from, fromName, to, text, maxLen, dedupeTtlSeconds, maxAgeMicros (0 = no age limit),
//   gateway channel prefix, all-gateways channel.
// One script, one round trip: check the recipient, dedupe, store, and wake the readers with the message and
// the id before it in the reader's stream, so a gateway whose cursor is there delivers it without a read.
// A retried call (ioredis resends after reconnect) finds the dedupe record: stored once, readers woken again.
// msgId = microseconds since the epoch, bumped past the last one: unique, increasing, and age-trimmable.
const STORE = `
local private = ARGV[3] ~= ''
local function wake(payload)
  if private then
    local gateway = redis.call('GET', KEYS[6])
    if gateway then redis.call('PUBLISH', ARGV[8] .. gateway, cjson.encode(payload)) end
  else
    redis.call('PUBLISH', ARGV[9], cjson.encode(payload))
  end
end
local kind = private and 'inbox' or 'group'
local existing = redis.call('GET', KEYS[1])
if existing then
  wake({type = kind, userId = ARGV[3]})
  return {existing, 1}
end
if private and redis.call('EXISTS', KEYS[7]) == 0 then return {'', -1} end
local now = redis.call('TIME')
local us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if us <= last then us = last + 1 end
local id = string.format('%.0f', us)
redis.call('SET', KEYS[2], id)
local ts = math.floor(us / 1000)
local reader = private and KEYS[5] or KEYS[3]
local newest = redis.call('XREVRANGE', reader, '+', '-', 'COUNT', 1)
local prev = newest[1] and string.match(newest[1][1], '^(%d+)') or '0'
local fields = {'from', ARGV[1], 'fromName', ARGV[2], 'to', ARGV[3], 'text', ARGV[4], 'ts', string.format('%.0f', ts)}
local maxAge = tonumber(ARGV[7])
local function append(stream)
  redis.call('XADD', stream, 'MAXLEN', '~', ARGV[5], id .. '-0', unpack(fields))
  if maxAge > 0 then redis.call('XTRIM', stream, 'MINID', '~', string.format('%.0f', us - maxAge)) end
end
append(KEYS[3])
if private then append(KEYS[5]) end
redis.call('INCR', KEYS[4])
local record = id .. ':' .. string.format('%.0f', ts)
redis.call('SET', KEYS[1], record, 'EX', ARGV[6])
local message = {msgId = id, from = ARGV[1], fromName = ARGV[2], to = ARGV[3], text = ARGV[4], ts = ts, room = ''}
wake({type = kind, userId = ARGV[3], message = message, prev = prev})
return {record, 0}
`;

// KEYS: the reader's inbox stream, the reader's inbox cursor. ARGV: msgId, from (the claimed sender; "" for any).
// A receipt counts only for a message stored in the reader's inbox and sent by `from`: then the cursor moves
// forward to that entry's id (never backwards, never to an id the inbox does not hold). A cursor found past
// the newest inbox entry (forged before receipts were checked) is replaced. Returns 1 when accepted, else 0.
const ACKNOWLEDGE = `
local function newer(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local entries = redis.pcall('XRANGE', KEYS[1], ARGV[1] .. '-0', ARGV[1] .. '-0')
if type(entries) ~= 'table' or entries.err or not entries[1] then return 0 end
local id, fields = string.match(entries[1][1], '^(%d+)'), entries[1][2]
local sender
for i = 1, #fields, 2 do
  if fields[i] == 'from' then sender = fields[i + 1] end
end
if ARGV[2] ~= '' and sender ~= ARGV[2] then return 0 end
local current = redis.call('GET', KEYS[2])
if current then
  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  if newer(current, string.match(newest[1], '^(%d+)')) then current = nil end
end
if not current or newer(id, current) then redis.call('SET', KEYS[2], id) end
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ACKNOWLEDGE. */
    cimAcknowledge(inbox: string, cursor: string, msgId: string, from: string): Result<number, Context>;
  }
}

export interface MessageStoreOptions {
  /** Approximate number of messages kept per stream. */
  maxLenPerStream: number;
  /** Messages older than this are trimmed (0 keeps them until maxLen applies). */
  maxAgeSeconds: number;
  /** How long a clientMsgId is remembered for dedupe. */
  dedupeTtlSeconds: number;
}

const DEFAULTS: MessageStoreOptions = { maxLenPerStream: 10_000, maxAgeSeconds: 0, dedupeTtlSeconds: 86_400 };

type Run = (...args: string[]) => Promise<unknown>;

export class MessageStore {
  private readonly options: MessageStoreOptions;

  constructor(private readonly redis: Redis, options: Partial<MessageStoreOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    redis.defineCommand("cimStoreMessage", { numberOfKeys: 7, lua: STORE });
    redis.defineCommand("cimAcknowledge", { numberOfKeys: 2, lua: ACKNOWLEDGE });
  }

  /**
   * Stores a message once per (from, clientMsgId) and wakes its readers (the recipient's gateway, or all
   * gateways for the group). `duplicate` is true when it was stored before; null when `to` is no user.
   */
  async store(input: { clientMsgId: string; from: string; fromName: string; to: string; text: string }): Promise<{ message: StoredMessage; duplicate: boolean } | null> {
    const to = input.to;
    const [record, status] = (await this.run("cimStoreMessage",
      keys.dedupe(input.from, input.clientMsgId), keys.messageSeq, streamOf(input.from, to), keys.messageCount,
      to ? keys.inbox(to) : "", to ? keys.route(to) : "", to ? keys.account(to) : "",
      input.from, input.fromName, to, input.text,
      String(this.options.maxLenPerStream), String(this.options.dedupeTtlSeconds), String(this.options.maxAgeSeconds * 1_000_000),
      channels.gateway(""), channels.all,
    )) as [string, number];
    if (status === -1) return null;
    const duplicate = status === 1;
    const [msgId = "", ts = "0"] = record.split(":");
    return { message: { msgId, from: input.from, fromName: input.fromName, to: input.to, text: input.text, ts: Number(ts), room: "" }, duplicate };
  }

  /** The `limit` messages before `before` (or the newest), oldest first. */
  async history(query: { userId: string; peer?: string; before?: string; limit: number }): Promise<StoredMessage[]> {
    const end = query.before ? `(${query.before}-0` : "+";
    const entries = await this.redis.xrevrange(streamOf(query.userId, query.peer ?? ""), end, "-", "COUNT", query.limit);
    return entries.reverse().map(([id, fields]) => toMessage(id, fields));
  }

  /** Group messages after `afterId` ("" or "0": from the start), oldest first. */
  readGroup(afterId: string, count: number): Promise<StoredMessage[]> {
    return this.readAfter(keys.groupStream, afterId, count);
  }

  /** Private messages to `userId` after `afterId`, oldest first. */
  readInbox(userId: string, afterId: string, count: number): Promise<StoredMessage[]> {
    return this.readAfter(keys.inbox(userId), afterId, count);
  }

  /** The newest group msgId, or "0" when there is none. */
  async lastGroupId(): Promise<string> {
    const [entry] = await this.redis.xrevrange(keys.groupStream, "+", "-", "COUNT", 1);
    return entry ? entry[0].split("-")[0]! : "0";
  }

  /**
   * The last private msgId the user acknowledged, "0" when none. A cursor past the newest inbox entry cannot
   * come from a receipt of ours (it was forged before receipts were checked): the newest entry is used instead.
   */
  async inboxCursor(userId: string): Promise<string> {
    const [cursor, [newest]] = await Promise.all([
      this.redis.get(keys.inboxCursor(userId)),
      this.redis.xrevrange(keys.inbox(userId), "+", "-", "COUNT", 1),
    ]);
    const last = newest ? newest[0].split("-")[0]! : "0";
    return cursor && compareIds(cursor, last) > 0 ? last : (cursor ?? "0");
  }

  /**
   * Records that `userId`'s client received private message `msgId`, and everything before it: only when the
   * user's inbox holds that message and, when `from` is given (a client's receipt always names it), it was sent
   * by `from`. False (nothing changed) otherwise: a forged receipt, or one for a message trimmed away since.
   */
  async acknowledge(userId: string, msgId: string, from = ""): Promise<boolean> {
    return (await this.redis.cimAcknowledge(keys.inbox(userId), keys.inboxCursor(userId), msgId, from)) === 1;
  }

  /** True when messages after `afterId` may have been trimmed away, so reading from it would skip some. */
  async trimmedAfter(stream: "group" | { inboxOf: string }, afterId: string): Promise<boolean> {
    const key = stream === "group" ? keys.groupStream : keys.inbox(stream.inboxOf);
    let info: unknown[];
    try {
      info = (await this.redis.xinfo("STREAM", key)) as unknown[];
    } catch {
      return false; // no such stream: nothing was trimmed
    }
    const field = (name: string) => info[info.indexOf(name) + 1];
    const trimmed = Number(field("entries-added") ?? 0) > Number(field("length") ?? 0);
    const first = field("first-entry") as [string, string[]] | null;
    // Trimming removes the oldest entries: anything deleted is older than the first one left.
    return trimmed && !!first && compareIds(first[0].split("-")[0]!, afterId || "0") > 0;
  }

  /** Total messages accepted since the store began. */
  async count(): Promise<number> {
    return Number((await this.redis.get(keys.messageCount)) ?? 0);
  }

  private async readAfter(stream: string, afterId: string, count: number): Promise<StoredMessage[]> {
    const start = afterId && afterId !== "0" ? `(${afterId}-0` : "-";
    const entries = await this.redis.xrange(stream, start, "+", "COUNT", count);
    return entries.map(([id, fields]) => toMessage(id, fields));
  }

  private run(command: string, ...args: string[]): Promise<unknown> {
    return ((this.redis as unknown as Record<string, Run>)[command] as Run).apply(this.redis, args);
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
    room: map.get("room") ?? "",
  };
}
