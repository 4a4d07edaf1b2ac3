// Adding to a set of one user's own keys unless its account is gone: a join, an invitation or a block under way as the
// account was deleted must not recreate a key of it (see keys.ts `user.gone`, set by the deletion on the same tag).
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";

// KEYS: set, gone (the user's deletion mark, one tag {u:<id>}). ARGV: member. Returns -1 (nothing written) when the
// account is gone, else what SADD answered (1 added, 0 there already).
const ADD_UNLESS_GONE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
return redis.call('SADD', KEYS[1], ARGV[1])
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ADD_UNLESS_GONE. */
    cimAddUnlessGone(set: string, gone: string, member: string): Result<number, Context>;
  }
}

/** Defines `cimAddUnlessGone` on `redis` (idempotent). */
export function defineGoneGuard(redis: RedisClient): void {
  redis.defineCommand("cimAddUnlessGone", { numberOfKeys: 2, lua: ADD_UNLESS_GONE });
}
