// Accounts: a hash per user plus the unique name -> id index (the seed's KV + VK), keyed by a canonical name.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { keys, user } from "./keys.js";

// KEYS: account (hash). ARGV: verified (the hash a password was just checked against), next. Replaces
// `passwordHash` only while it is still `verified`, so a re-hash after a login never undoes a password change made
// meanwhile. Returns 1 when replaced, 0 when the hash had changed.
const REPLACE_HASH = `
local account = KEYS[1]
local verified, next = ARGV[1], ARGV[2]
if redis.call('HGET', account, 'passwordHash') ~= verified then return 0 end
redis.call('HSET', account, 'passwordHash', next)
return 1
`;

// KEYS: account (hash). ARGV: sessionId and loginEpoch of the login kept (the caller's), verified (the hash the
// current password was just checked against; "" for no password change), next (the new hash). Ends every other
// login of the user (see `AccountStore.endOtherLogins`) only while the caller's own login has not ended and the
// password is still `verified`: a request that passed its token check just before another login ended it (or
// changed the password) must not become the login kept. Returns {the new epoch, the other logins it ended} (see
// COUNT_LOGIN; -1 for "not known": the account's logins were never counted), -1 when the caller's login has ended (or
// the account is gone), -2 when the password is no longer `verified`.
const END_OTHER_LOGINS = `
local account = KEYS[1]
local sessionId, loginEpoch, verified, next = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local fields = redis.call('HMGET', account, 'passwordHash', 'loginEpoch', 'loginKept', 'logins')
if not fields[1] then return -1 end
if loginEpoch < (tonumber(fields[2]) or 0) and fields[3] ~= sessionId then return -1 end
if verified ~= '' then
  if fields[1] ~= verified then return -2 end
  redis.call('HSET', account, 'passwordHash', next)
end
-- The caller's login is counted (begun in this epoch, or the one kept last time): the others are the rest.
local counted = tonumber(fields[4])
redis.call('HSET', account, 'loginKept', sessionId, 'logins', 1)
local epoch = redis.call('HINCRBY', account, 'loginEpoch', 1)
if not counted then return {epoch, -1} end
return {epoch, math.max(0, counted - 1)}
`;

// KEYS: the account. ARGV: the login's epoch and sessionId, the step (1: a login began, -1: it logged out). Counts the
// live logins of the account's current epoch and the one kept by the last END_OTHER_LOGINS, so "sign out other
// devices" can say how many it ended. Counting starts at registration (or at the first END_OTHER_LOGINS of an older
// account: until then the count is not known). Logins that expire unused stay counted: the count is exact when it is
// 0 (no other device) and at most too high otherwise.
const COUNT_LOGIN = `
local fields = redis.call('HMGET', KEYS[1], 'passwordHash', 'loginEpoch', 'logins', 'loginKept')
local counted = tonumber(fields[3])
if not fields[1] or not counted then return 0 end
local current = (tonumber(fields[2]) or 0) == tonumber(ARGV[1])
if tonumber(ARGV[3]) > 0 then
  if not current then return 0 end
elseif counted <= 0 or not (current or fields[4] == ARGV[2]) then return 0 end
return redis.call('HINCRBY', KEYS[1], 'logins', ARGV[3])
`;

// KEYS: gone (the user's deletion mark), then the user's own keys (one tag {u:<id>}). ARGV: now (ms). Sets the mark
// and deletes the keys in one step: from then on, no script writes the user's keys again (each checks the mark).
const MARK_GONE = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
redis.call('DEL', unpack(KEYS, 2))
return 1
`;

// KEYS: the account. ARGV: now (ms). Keeps when the user was last online, on an account that exists only: a socket of
// a deleted account closing after the deletion must not make its record again.
const NOTE_LAST_SEEN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'lastSeen', ARGV[1])
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See NOTE_LAST_SEEN. */
    cimNoteLastSeen(account: string, now: string): Result<number, Context>;
    /** See MARK_GONE. */
    cimMarkGone(numKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
    /** See REPLACE_HASH. */
    cimReplacePasswordHash(account: string, verified: string, next: string): Result<number, Context>;
    /** See END_OTHER_LOGINS. */
    cimEndOtherLogins(account: string, sessionId: string, loginEpoch: string, verified: string, next: string): Result<number | [number, number], Context>;
    /** See COUNT_LOGIN. */
    cimCountLogin(account: string, loginEpoch: string, sessionId: string, step: string): Result<number, Context>;
  }
}

export interface Account {
  userId: string;
  /** The name as the user typed it at registration, for display. */
  userName: string;
  passwordHash: string;
  createdAt: number;
  /** Raised each time the user ends its other logins (password change, "sign out other devices"); 0 before. */
  loginEpoch: number;
}

/** The fields of an account hash that end logins: see `AccountStore.endOtherLogins`. */
export const LOGIN_EPOCH_FIELD = "loginEpoch";
export const LOGIN_KEPT_FIELD = "loginKept";

export class AccountStore {
  constructor(private readonly redis: RedisClient) {
    redis.defineCommand("cimReplacePasswordHash", { numberOfKeys: 1, lua: REPLACE_HASH });
    redis.defineCommand("cimEndOtherLogins", { numberOfKeys: 1, lua: END_OTHER_LOGINS });
    redis.defineCommand("cimCountLogin", { numberOfKeys: 1, lua: COUNT_LOGIN });
    redis.defineCommand("cimMarkGone", { lua: MARK_GONE });
    redis.defineCommand("cimNoteLastSeen", { numberOfKeys: 1, lua: NOTE_LAST_SEEN });
  }

  /**
   * Creates an account; returns null when the name is taken. `nameKey` is the canonical form of the name that
   * makes names unique (look-alikes share one), `userName` what is displayed. `lookAlikeKeys` are further
   * canonical forms the name also claims: the name is taken when any of them is, and a later name with one of
   * them as its key is taken too. Logins find the account by `nameKey` only.
   */
  async create(userName: string, nameKey: string, passwordHash: string, lookAlikeKeys: readonly string[] = []): Promise<Account | null> {
    if (await this.redis.exists(keys.accountName(userName))) return null; // taken before canonical keys existed
    const others = lookAlikeKeys.filter((key) => key !== nameKey);
    for (const key of others) if (await this.redis.exists(keys.accountName(key))) return null;
    const userId = String(await this.redis.incr(keys.accountSeq));
    const claimed = await this.redis.set(keys.accountName(nameKey), userId, "NX");
    if (claimed !== "OK") return null;
    // NX: a look-alike key claimed meanwhile by a name whose own key it is stays that name's.
    for (const key of others) await this.redis.set(keys.accountName(key), userId, "NX");
    const createdAt = Date.now();
    // `logins`: counted from the start (COUNT_LOGIN).
    await this.redis.hset(keys.account(userId), { userName, passwordHash, createdAt: String(createdAt), logins: "0" });
    return { userId, userName, passwordHash, createdAt, loginEpoch: 0 };
  }

  /**
   * Creates many accounts in a few round trips (operator tools): reserves their ids with one INCRBY, claims each
   * canonical name with SET NX and writes the account hashes. A taken name (also the typed-name key of older
   * accounts) is skipped and reported; its reserved id stays unused. Names must be distinct canonical keys.
   */
  async createMany(entries: ReadonlyArray<{ userName: string; nameKey: string; lookAlikeKeys?: readonly string[]; passwordHash: string }>): Promise<{ created: Account[]; taken: string[] }> {
    const taken: string[] = [];
    // Single-key commands sent together (auto-pipelining): on a Redis Cluster the keys lie in many slots.
    const exists = (key: string) => this.redis.exists(key).then((count) => count > 0);
    const anyExists = async (names: readonly string[]) => (await Promise.all(names.map((name) => exists(keys.accountName(name))))).some(Boolean);
    const found = await Promise.all(entries.map((entry) => anyExists([entry.nameKey, entry.userName, ...(entry.lookAlikeKeys ?? [])])));
    const fresh = entries.filter((entry, i) => (found[i] ? (taken.push(entry.userName), false) : true));
    if (fresh.length === 0) return { created: [], taken };
    const last = await this.redis.incrby(keys.accountSeq, fresh.length);
    const ids = fresh.map((_, i) => String(last - fresh.length + 1 + i));
    const claimed = await Promise.all(fresh.map((entry, i) => this.redis.set(keys.accountName(entry.nameKey), ids[i]!, "NX").then((answer) => answer === "OK")));
    const created: Account[] = [];
    const createdAt = Date.now();
    const writes: Array<Promise<unknown>> = [];
    for (const [i, entry] of fresh.entries()) {
      if (!claimed[i]) {
        taken.push(entry.userName);
        continue;
      }
      writes.push(this.redis.hset(keys.account(ids[i]!), { userName: entry.userName, passwordHash: entry.passwordHash, createdAt: String(createdAt), logins: "0" }));
      for (const key of entry.lookAlikeKeys ?? []) if (key !== entry.nameKey) writes.push(this.redis.set(keys.accountName(key), ids[i]!, "NX"));
      created.push({ userId: ids[i]!, userName: entry.userName, passwordHash: entry.passwordHash, createdAt, loginEpoch: 0 });
    }
    await Promise.all(writes);
    return { created, taken };
  }

  /**
   * Claims further canonical keys for existing accounts (SET NX: a key another name holds stays its own), so
   * accounts registered before their look-alike keys existed block their look-alikes too. Returns how many it claimed.
   */
  async claimLookAlikes(accounts: ReadonlyArray<{ userId: string; keys: readonly string[] }>): Promise<number> {
    const claims = accounts.flatMap((account) => account.keys.map((key) => this.redis.set(keys.accountName(key), account.userId, "NX")));
    return (await Promise.all(claims)).filter((answer) => answer === "OK").length;
  }

  /** userIds of canonical names (`typed`: the name as typed, for accounts older than canonical keys); null when none. */
  async idsByName(names: ReadonlyArray<{ nameKey: string; typed: string }>): Promise<Array<string | null>> {
    if (names.length === 0) return [];
    return Promise.all(names.map(async (name) => (await this.redis.get(keys.accountName(name.nameKey))) ?? (await this.redis.get(keys.accountName(name.typed)))));
  }

  /** The account of a canonical name; `typed` also finds accounts registered before names were canonical. */
  async byName(nameKey: string, typed: string = nameKey): Promise<Account | null> {
    const userId = (await this.redis.get(keys.accountName(nameKey))) ?? (typed !== nameKey ? await this.redis.get(keys.accountName(typed)) : null);
    return userId ? this.byId(userId) : null;
  }

  async byId(userId: string): Promise<Account | null> {
    const fields = await this.redis.hgetall(keys.account(userId));
    if (!fields.userName || !fields.passwordHash) return null;
    return { userId, userName: fields.userName, passwordHash: fields.passwordHash, createdAt: Number(fields.createdAt), loginEpoch: Number(fields[LOGIN_EPOCH_FIELD] ?? 0) || 0 };
  }

  /**
   * Re-hashes a password just checked against `verified` (stronger parameters after a good login), unless the
   * hash changed meanwhile (a password change): false then, and the newer password stays.
   */
  async rehashPassword(userId: string, verified: string, passwordHash: string): Promise<boolean> {
    return (await this.redis.cimReplacePasswordHash(keys.account(userId), verified, passwordHash)) === 1;
  }

  /**
   * Ends every login of the user but `keep`'s (the caller's): raises the account's login epoch (tokens carry the
   * epoch their login began in; `SessionStore.isRevoked` refuses those older than it) and names the login kept.
   * With `password`, the new hash replaces `verified` (the one the current password was checked against) in the
   * same script (one key: one Cluster slot). Returns the new epoch, which logins from now on carry; `"ended"` when
   * `keep`'s login was itself ended meanwhile (by another login of the user), `"changed"` when the password is no
   * longer `verified`; nothing is written then.
   */
  async endOtherLogins(keep: { userId: string; sessionId: string; loginEpoch: number }, password?: { verified: string; next: string }): Promise<number | "ended" | "changed"> {
    const ended = await this.endOtherLoginsCounted(keep, password);
    return typeof ended === "string" ? ended : ended.epoch;
  }

  /** As `endOtherLogins`, also saying how many other logins it ended (`others`, see COUNT_LOGIN; -1: not known). */
  async endOtherLoginsCounted(keep: { userId: string; sessionId: string; loginEpoch: number }, password?: { verified: string; next: string }): Promise<{ epoch: number; others: number } | "ended" | "changed"> {
    const answer = await this.redis.cimEndOtherLogins(keys.account(keep.userId), keep.sessionId, String(keep.loginEpoch), password?.verified ?? "", password?.next ?? "");
    if (answer === -1) return "ended";
    if (answer === -2) return "changed";
    const [epoch, others] = answer as [number, number];
    return { epoch, others };
  }

  /** A login of the user began (`step` 1, at `POST /api/login`) or logged out (-1): see COUNT_LOGIN. */
  async countLogin(login: { userId: string; sessionId: string; loginEpoch: number }, step: 1 | -1): Promise<void> {
    await this.redis.cimCountLogin(keys.account(login.userId), String(login.loginEpoch), login.sessionId, String(step));
  }

  /** Login epochs of many users at once (0 for none or an unknown id), in the order given. */
  async loginEpochs(userIds: readonly string[]): Promise<number[]> {
    const values = await Promise.all(userIds.map((id) => this.redis.hget(keys.account(id), LOGIN_EPOCH_FIELD)));
    return values.map((value) => Number(value ?? 0) || 0);
  }

  /**
   * Deletes an account: its record (so its name no longer logs in, and every token of it is refused as one of an
   * account that is gone) and the user's own keys (inbox, read and receipt positions, private peers, rooms and
   * block sets). Its name claims stay: nobody can take the name and pass for the deleted user in old conversations.
   * The user's keys go first, with its deletion mark (`user.gone`, kept) set in the same step, so a send or read
   * checked before the deletion and stored after it writes none of them again; the record goes last (another slot),
   * so a deletion that failed between the two is finished by its retry, still logged in.
   */
  async remove(userId: string): Promise<void> {
    await this.markGone(userId);
    await this.redis.del(keys.account(userId));
  }

  /**
   * Deletes the user's own keys again when its account is gone: a session of the user still open at the deletion may
   * have written some (read and acknowledged positions, its inbox by a send) before it closed. False, and nothing
   * deleted, while the account exists. Ids are never reused, so a gone account never comes back.
   */
  async removeLeftovers(userId: string): Promise<boolean> {
    if ((await this.redis.exists(keys.account(userId))) === 1) return false;
    await this.markGone(userId);
    return true;
  }

  /** The user's deletion mark set (kept if set already) and its own keys deleted, in one script on its tag. */
  private async markGone(userId: string): Promise<void> {
    const own = ownKeys(userId);
    await this.redis.cimMarkGone(own.length + 1, user.gone(userId), ...own, String(Date.now()));
  }

  /** True when the account was deleted (its mark is kept: ids are never reused); false for a live or unknown id. */
  async isGone(userId: string): Promise<boolean> {
    return (await this.redis.exists(user.gone(userId))) === 1;
  }

  /** The user went offline at `at` (ms since the epoch): kept for its "last seen" (nothing for an account that is gone). */
  async noteLastSeen(userId: string, at: number): Promise<void> {
    await this.redis.cimNoteLastSeen(keys.account(userId), String(at));
  }

  /**
   * Names and "last seen" times of many users at once, in the order given: name "" for an unknown id, lastSeen 0 when
   * not kept (never offline since it was).
   */
  async namesAndLastSeen(userIds: readonly string[]): Promise<Array<{ userName: string; lastSeen: number }>> {
    const values = await Promise.all(userIds.map((id) => this.redis.hmget(keys.account(id), "userName", "lastSeen")));
    return values.map(([userName, lastSeen]) => ({ userName: userName ?? "", lastSeen: Number(lastSeen) || 0 }));
  }

  /** Names of many users at once, in the order given; "" for an unknown id. */
  async names(userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    // One command per key (each account is a slot of its own on a cluster); auto-pipelining batches them.
    const values = await Promise.all(userIds.map((id) => this.redis.hget(keys.account(id), "userName")));
    return values.map((value) => value ?? "");
  }
}

/**
 * The user's own `{u:<id>}` keys that a deletion removes (one Cluster slot). Not its session counts
 * (`user.gateways`): each gateway removes its own entry as the user's sockets there close.
 */
function ownKeys(userId: string): string[] {
  return [user.inbox(userId), user.inboxLast(userId), user.inboxLate(userId), user.inboxLastMsg(userId), user.acked(userId), user.rooms(userId), user.read(userId), user.roomsOpened(userId), user.peers(userId), user.newPeers(userId), user.receipts(userId), user.blocks(userId), user.blockedBy(userId), user.blocksOrder(userId)];
}
