// A room's members by name, for pages: a sorted index beside the members set, read from a cursor without touching
// every member (a room of 100,000 answered one list of all of them, as many reads of Redis per call).
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { conv, keys } from "./keys.js";
import { entryId, lexEntry, lexRange } from "./lex-index.js";

/** The meta field set once the room's index holds every member (new rooms from creation on, older ones once built). */
export const MEMBER_INDEX_FIELD = "memberIndex";
/** Members' names read per round trip while an older room's index is built. */
const BUILD_BATCH = 1_000;

/** One page of a room's members in canonical-name order. */
export interface MemberPage {
  userIds: string[];
  /** The index entry to continue after ("" at the end). */
  next: string;
  /** The room's members (no prefix), or the index entries matching the prefix. */
  count: number;
}

// KEYS: the room's member names (sorted set), members (set) and meta, one tag. ARGV: the first bound to read from (a
// ZRANGEBYLEX bound), the prefix's lower and upper bounds (for the count), the page size, the most entries read,
// "check" to answer {-1} when the index is not whole: not marked so, or holding fewer entries than the set members
// (members added by a program that does not write the index, such as an older route).
// The members set is the truth: an entry of someone no longer in it (left through such a program, a name key that
// changed) is dropped here, in the same step as the check, so a join meanwhile cannot lose its entry.
// Reads one member past the page to tell the end ("" next) from a full page. Returns {count, next, entries...}.
const MEMBER_PAGE = `
if ARGV[6] == 'check' and (redis.call('HGET', KEYS[3], '${MEMBER_INDEX_FIELD}') ~= '1' or redis.call('ZCARD', KEYS[1]) < redis.call('SCARD', KEYS[2])) then return {-1} end
local limit, budget = tonumber(ARGV[4]), tonumber(ARGV[5])
local page, from, read, last, more = {}, ARGV[1], 0, '', false
while read < budget and not more do
  local want = math.min(limit + 1 - #page, budget - read)
  local batch = redis.call('ZRANGEBYLEX', KEYS[1], from, ARGV[3], 'LIMIT', 0, want)
  read = read + #batch
  for _, entry in ipairs(batch) do
    if redis.call('SISMEMBER', KEYS[2], string.match(entry, '%z(%d+)$') or '') == 1 then
      if #page == limit then more = true break end
      page[#page + 1] = entry
      last = entry
    else
      redis.call('ZREM', KEYS[1], entry)
    end
  end
  -- Fewer than asked: the range ends here. Out of budget: go on after the last entry read, in the next call.
  if not more and #batch < want then break end
  if not more then
    from = '(' .. batch[#batch]
    if read >= budget then last = batch[#batch] more = true end
  end
end
local count
if ARGV[2] == '-' then count = redis.call('SCARD', KEYS[2]) else count = redis.call('ZLEXCOUNT', KEYS[1], ARGV[2], ARGV[3]) end
local cursor = ''
if more then cursor = last end
return {count, cursor, unpack(page)}
`;

// KEYS: the room's meta, member names and members (one tag). ARGV: entries. Indexes the entries of users still
// members (one who left since the list was read is not put back) and, when `ARGV[1]` is "done", marks the index
// whole, if the room still exists.
const INDEX_MEMBERS = `
for i = 2, #ARGV do
  if redis.call('SISMEMBER', KEYS[3], string.match(ARGV[i], '%z(%d+)$') or '') == 1 then redis.call('ZADD', KEYS[2], 0, ARGV[i]) end
end
if ARGV[1] == 'done' and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], '${MEMBER_INDEX_FIELD}', '1') end
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See MEMBER_PAGE. */
    cimRoomMemberPage(names: string, members: string, meta: string, from: Buffer | string, min: Buffer | string, max: Buffer | string, limit: string, budget: string, check: "check" | ""): Result<[number, string, ...string[]] | [-1], Context>;
    /** See INDEX_MEMBERS. */
    cimIndexRoomMembers(meta: string, names: string, members: string, done: string, ...entries: string[]): Result<number, Context>;
  }
}

/**
 * `cim-c:{c:<room>}:member-names`: `<canonical name key>\0<userId>` with score 0, one per member, written by the
 * scripts that change the members set (rooms.ts) in the same step. The name key is route's (passed in as
 * `nameKeyOf`): this package does not define it.
 */
export class RoomMemberIndex {
  /** Builds under way in this process, by room: pages asking at once (a big room opened by many) share one. */
  private readonly building = new Map<string, Promise<void>>();

  constructor(private readonly redis: RedisClient, private readonly nameKeyOf: (userName: string) => string) {
    redis.defineCommand("cimRoomMemberPage", { numberOfKeys: 3, lua: MEMBER_PAGE });
    redis.defineCommand("cimIndexRoomMembers", { numberOfKeys: 3, lua: INDEX_MEMBERS });
  }

  /** The index entry of a member called `userName`. */
  entry(userId: string, userName: string): string {
    return lexEntry(this.nameKeyOf(userName), userId);
  }

  /**
   * Members whose name key starts with `prefix` (already canonical), after the entry `after` ("" from the start),
   * `limit` at most; reads at most `budget` entries, so a page may be short while `next` is not "".
   */
  async page(roomId: string, query: { prefix: string; after: string; limit: number; budget: number }): Promise<MemberPage> {
    const [min, max] = lexRange(query.prefix);
    const afterIsInRange = query.after !== "" && Buffer.from(query.after).compare(Buffer.from(query.prefix)) >= 0;
    const from = afterIsInRange ? Buffer.concat([Buffer.from("("), Buffer.from(query.after)]) : min;
    const read = (check: "check" | "") => this.redis.cimRoomMemberPage(conv.roomMemberNames(roomId), conv.roomMembers(roomId), conv.roomMeta(roomId), from, min, max, String(query.limit), String(query.budget), check);
    let answer = await read("check");
    if (answer[0] === -1) {
      let build = this.building.get(roomId);
      if (!build) {
        build = this.build(roomId).finally(() => this.building.delete(roomId));
        this.building.set(roomId, build);
      }
      await build;
      // Once built it is read as it is: members coming and going meanwhile must not make a page build it again.
      answer = await read("");
    }
    const [count, next, ...entries] = answer as [number, string, ...string[]];
    return { userIds: entries.map(entryId), next, count: Number(count) };
  }

  /**
   * Indexes a room whose index is not whole (older than the index, or changed by a store without `nameKeyOf` or an
   * older route): its members' names, a batch at a time, then the mark. Joins meanwhile index themselves; the script
   * skips leavers.
   */
  private async build(roomId: string): Promise<void> {
    const ids = await this.redis.smembers(conv.roomMembers(roomId));
    for (let start = 0; start === 0 || start < ids.length; start += BUILD_BATCH) {
      const batch = ids.slice(start, start + BUILD_BATCH);
      // One command per account (each its own slot on a cluster), sent together by auto-pipelining.
      const names = await Promise.all(batch.map((id) => this.redis.hget(keys.account(id), "userName")));
      // A member whose account is gone has no name: indexed first (lists leave it out), so the index counts it.
      const entries = batch.map((id, i) => (names[i] ? this.entry(id, names[i]) : lexEntry("", id)));
      const done = start + BUILD_BATCH >= ids.length ? "done" : "more";
      await this.redis.cimIndexRoomMembers(conv.roomMeta(roomId), conv.roomMemberNames(roomId), conv.roomMembers(roomId), done, ...entries);
    }
  }
}
