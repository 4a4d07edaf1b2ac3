// A hash field that only moves forward: read positions and receipts, on one user's tag {u:<userId>}.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";

// KEYS: hash, gone (the user's deletion mark, see keys.ts `user.gone`). ARGV: field, id (a decimal id). Sets the
// field to id when id is newer than its value (ids compare by length, then text). Returns 1 when it was set, 0 when
// the value was as new or newer, or the user's account is gone (a Read or receipt under way as it was deleted).
const SET_FORWARD = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local hash = KEYS[1]
local field, id = ARGV[1], ARGV[2]
local current = redis.call('HGET', hash, field)
if current and (#current > #id or (#current == #id and current >= id)) then return 0 end
redis.call('HSET', hash, field, id)
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See SET_FORWARD. */
    cimSetForward(hash: string, gone: string, field: string, id: string): Result<number, Context>;
  }
}

/** Defines `cimSetForward` on `redis` (idempotent). */
export function defineForwardField(redis: RedisClient): void {
  redis.defineCommand("cimSetForward", { numberOfKeys: 2, lua: SET_FORWARD });
}
