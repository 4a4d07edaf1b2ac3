// Blocking between users: who blocks whom, kept on each user's tag `{u:<id>}` as `blocks` (whom the user blocks)
// and its mirror `blocked-by`, so that one read on the sender's tag tells whether a private message is refused.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { defineGoneGuard } from "./gone-guard.js";
import { user } from "./keys.js";

/** Most users one user may block; a block past it is refused (`full`). */
export const MAX_BLOCKS_PER_USER = 1_000;

/** Mirror writes one change makes at most while the blocker's set keeps changing under it (changes are rate limited). */
const MIRROR_ATTEMPTS = 5;

/** Whether a user blocks another once a change is done. */
export type BlockState = "blocked" | "unblocked";

/**
 * The state a change ended in and its order: the blocker's change counter read with it in one step. Of two answers
 * about one user the higher order is the newer state; equal orders state the same set.
 */
export interface BlockChange {
  state: BlockState;
  order: number;
}

/** Why a private message is refused: the sender blocks the recipient, or the recipient blocks the sender. */
export type BlockRefusal = "blocking" | "blocked";

// A block on the blocker's tag. KEYS: blocks, blocks-order, gone (the blocker's deletion mark). ARGV: the blocked
// userId, the most blocks kept. Returns 1 added (the order counted up), 0 already blocked or the blocker's account
// gone (a block under way as it was deleted: none of its keys is written again), -1 full (nothing changed).
const ADD_BLOCK = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('INCR', KEYS[2])
return redis.call('SADD', KEYS[1], ARGV[1])
`;

// An unblock on the blocker's tag. KEYS: blocks, blocks-order. ARGV: the unblocked userId.
// Returns 1 removed (the order counted up), 0 not blocked.
const REMOVE_BLOCK = `
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('INCR', KEYS[2])
return 1
`;

// Whether the user blocks the peer, and the order of that state, in one step. KEYS: blocks, blocks-order.
// ARGV: the peer. Returns {1 | 0, order}.
const BLOCKS_PEER = `
return {redis.call('SISMEMBER', KEYS[1], ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0')}
`;

// Whom the user blocks, and the order of that list, in one step. KEYS: blocks, blocks-order. Returns {ids, order}.
const BLOCK_LIST = `
return {redis.call('SMEMBERS', KEYS[1]), tonumber(redis.call('GET', KEYS[2]) or '0')}
`;

// The block state between the sender (on whose tag both keys lie) and a peer. KEYS: blocks, blocked-by of the
// sender. ARGV: the peer. Returns 1 when the sender blocks the peer, 2 when the peer blocks the sender, else 0.
// The same test runs inside the single-Redis batch script (message-scripts.ts, `block_state`).
const BLOCK_STATE = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 2 end
return 0
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See ADD_BLOCK. */
    cimAddBlock(blocks: string, order: string, gone: string, peer: string, max: string): Result<number, Context>;
    /** See REMOVE_BLOCK. */
    cimRemoveBlock(blocks: string, order: string, peer: string): Result<number, Context>;
    /** See BLOCKS_PEER. */
    cimBlocksPeer(blocks: string, order: string, peer: string): Result<[number, number], Context>;
    /** See BLOCK_LIST. */
    cimBlockList(blocks: string, order: string): Result<[string[], number], Context>;
    /** See BLOCK_STATE. */
    cimBlockState(blocks: string, blockedBy: string, peer: string): Result<number, Context>;
  }
}

/** What a refused sender is told (the `message` of `Error{blocked}` and of route's 403). */
export function blockRefusalMessage(refusal: BlockRefusal): string {
  return refusal === "blocking" ? "you blocked this user: unblock them to write to them" : "this user does not accept your messages";
}

/** The refusal a block-state answer (0, 1, 2) stands for. */
export function blockRefusal(state: number): BlockRefusal | undefined {
  return state === 1 ? "blocking" : state === 2 ? "blocked" : undefined;
}

export class BlockStore {
  constructor(private readonly redis: RedisClient) {
    redis.defineCommand("cimAddBlock", { numberOfKeys: 3, lua: ADD_BLOCK });
    defineGoneGuard(redis);
    redis.defineCommand("cimRemoveBlock", { numberOfKeys: 2, lua: REMOVE_BLOCK });
    redis.defineCommand("cimBlocksPeer", { numberOfKeys: 2, lua: BLOCKS_PEER });
    redis.defineCommand("cimBlockList", { numberOfKeys: 2, lua: BLOCK_LIST });
    redis.defineCommand("cimBlockState", { numberOfKeys: 2, lua: BLOCK_STATE });
  }

  /**
   * `userId` blocks `peer` (idempotent): `full` when it blocks MAX_BLOCKS_PER_USER users already (nothing changes),
   * else whether it blocks `peer` once done (an unblock of the pair at once may come after it: "unblocked") and
   * that state's order. The mirror is written second (another slot): a failure between them is mended by doing it again.
   */
  async block(userId: string, peer: string): Promise<"full" | BlockChange> {
    if ((await this.redis.cimAddBlock(user.blocks(userId), user.blocksOrder(userId), user.gone(userId), peer, String(MAX_BLOCKS_PER_USER))) === -1) return "full";
    return this.mirror(userId, peer);
  }

  /** `userId` no longer blocks `peer` (idempotent); whether it blocks `peer` once done (a block at once may follow), and its order. */
  async unblock(userId: string, peer: string): Promise<BlockChange> {
    await this.redis.cimRemoveBlock(user.blocks(userId), user.blocksOrder(userId), peer);
    return this.mirror(userId, peer);
  }

  /**
   * Makes `peer`'s `blocked-by` say what `userId`'s `blocks` says. No script spans the two slots, so a block and an
   * unblock of the pair at once (two devices, two route processes) could each write the other's mirror last and
   * leave them apart (a block the message check does not see); the set is read again after the write until it held
   * still, so whichever request writes last writes the set's final state.
   */
  private async mirror(userId: string, peer: string): Promise<BlockChange> {
    const read = () => this.redis.cimBlocksPeer(user.blocks(userId), user.blocksOrder(userId), peer);
    let [blocking, order] = await read();
    for (let attempt = 0; attempt < MIRROR_ATTEMPTS; attempt++) {
      // A peer deleted meanwhile keeps no mirror: its keys are not written again.
      if (blocking === 1) await this.redis.cimAddUnlessGone(user.blockedBy(peer), user.gone(peer), userId);
      else await this.redis.srem(user.blockedBy(peer), userId);
      const [now, nowOrder] = await read();
      order = nowOrder;
      if (now === blocking) break;
      blocking = now;
    }
    return { state: blocking === 1 ? "blocked" : "unblocked", order };
  }

  /** The users `userId` blocks, in userId order, and the order of that list (see BlockChange). */
  async list(userId: string): Promise<{ ids: string[]; order: number }> {
    const [ids, order] = await this.redis.cimBlockList(user.blocks(userId), user.blocksOrder(userId));
    return { ids: ids.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)), order };
  }

  /** The users `userId` blocks or is blocked by (one read on its tag): presence is hidden between them both ways. */
  async related(userId: string): Promise<Set<string>> {
    return new Set(await this.redis.sunion(user.blocks(userId), user.blockedBy(userId)));
  }

  /** Whether a private message from `from` to `to` is refused, and why: one call on the sender's tag. */
  async refusal(from: string, to: string): Promise<BlockRefusal | undefined> {
    return blockRefusal(await this.redis.cimBlockState(user.blocks(from), user.blockedBy(from), to));
  }

  /** Everyone `userId` blocks or is blocked by (one read on its tag): whom it hears nothing from, and tells nothing. */
  hiddenFrom(userId: string): Promise<string[]> {
    return this.redis.sunion(user.blocks(userId), user.blockedBy(userId));
  }
}
