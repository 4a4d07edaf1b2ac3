// A hash field that only moves forward: read positions and receipts, on one user's tag {u:<userId>}.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";

// KEYS: hash. ARGV: field, id (a decimal id). Sets the field to id when id is newer than its value (ids compare
// by length, then text). Returns 1 when it was set, 0 when the value was as new or newer.
const SET_FORWARD = `
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
    cimSetForward(hash: string, field: string, id: string): Result<number, Context>;
  }
}

/** Defines `cimSetForward` on `redis` (idempotent). */
export function defineForwardField(redis: RedisClient): void {
  redis.defineCommand("cimSetForward", { numberOfKeys: 1, lua: SET_FORWARD });
}
