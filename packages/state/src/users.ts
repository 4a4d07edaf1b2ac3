// The user directory: every account by its canonical name key, for prefix search (online or not); private peers.
import { dataNodes, type RedisClient } from "./redis.js";
import { directory, keys, user } from "./keys.js";
import { entryId, lexEntry, lexRange } from "./lex-index.js";

/** Accounts read per SCAN step of a backfill. */
export const BACKFILL_BATCH = 500;
/** Index entries read per round trip of `onlinePage`. */
const ONLINE_PAGE_BATCH = 500;

/**
 * `cim-users:names` holds `<name key>\0<userId>` (score 0), so ZRANGEBYLEX finds names by prefix. The key is
 * route's canonical name (NFKC, case-folded, look-alikes mapped), passed in: this package does not define it.
 */
export class UserDirectory {
  constructor(private readonly redis: RedisClient) {}

  /** Adds a user (idempotent). */
  async index(userId: string, nameKey: string): Promise<void> {
    await this.redis.zadd(directory.userNames, 0, lexEntry(nameKey, userId));
  }

  /** Adds many users at once (idempotent). */
  async indexMany(users: ReadonlyArray<{ userId: string; nameKey: string }>): Promise<void> {
    if (users.length === 0) return;
    await this.redis.zadd(directory.userNames, ...users.flatMap((u) => [0, lexEntry(u.nameKey, u.userId)]));
  }

  /** Takes a user out (a deleted account): its name is found no more. */
  async remove(userId: string, nameKey: string): Promise<void> {
    await this.redis.zrem(directory.userNames, lexEntry(nameKey, userId));
  }

  /** userIds whose name key starts with `prefix` (already canonical), in name order; "" lists from the start. */
  async search(query: { prefix: string; limit: number }): Promise<string[]> {
    const [min, max] = lexRange(query.prefix);
    return (await this.redis.zrangebylex(directory.userNames, min, max, "LIMIT", 0, query.limit)).map(entryId);
  }

  /**
   * Online users (in `cim-online`) whose name key starts with `prefix`, in name order, after the index entry
   * `after` ("" from the start). Reads at most `budget` index entries, so a page may hold fewer than `limit`
   * users while `next` (the last entry read) is not "": continue from there; "" means the end (a full page that
   * ends the index's last batch read says so; one that fills exactly at a batch's end may still be followed by an
   * empty page). Users in `hidden` (those in a block with the viewer) count as offline: neither the page nor `next`
   * tells whether they are online (a page that ended at a hidden user's entry named it in its cursor).
   */
  async onlinePage(query: { prefix: string; after: string; limit: number; budget: number; hidden?: ReadonlySet<string> }): Promise<{ userIds: string[]; next: string }> {
    const [min, max] = lexRange(query.prefix);
    const afterIsInRange = query.after !== "" && Buffer.from(query.after).compare(Buffer.from(query.prefix)) >= 0;
    let from: Buffer | string = afterIsInRange ? Buffer.concat([Buffer.from("("), Buffer.from(query.after)]) : min;
    const userIds: string[] = [];
    let read = 0;
    while (read < query.budget) {
      const want = Math.min(ONLINE_PAGE_BATCH, query.budget - read);
      const entries = await this.redis.zrangebylex(directory.userNames, from, max, "LIMIT", 0, want);
      if (entries.length === 0) return { userIds, next: "" };
      read += entries.length;
      const online = (await this.redis.smismember(keys.online, ...entries.map(entryId))).map((flag, i) => (query.hidden?.has(entryId(entries[i]!)) ? 0 : flag));
      for (const [i, entry] of entries.entries()) {
        if (online[i] !== 1) continue;
        userIds.push(entryId(entry));
        if (userIds.length === query.limit) {
          // The end when this batch was the index's last and holds no other match: say so with "" (no empty page).
          const more = entries.length === want || online.slice(i + 1).includes(1);
          return { userIds, next: more ? entry : "" };
        }
      }
      const last = entries[entries.length - 1]!;
      if (entries.length < want) return { userIds, next: "" };
      from = Buffer.concat([Buffer.from("("), Buffer.from(last)]);
      if (read >= query.budget) return { userIds, next: last };
    }
    return { userIds, next: "" };
  }

  /** The user's private peers, newest conversation first (`cim-u:{u:<id>}:peers`, scored by the newest msgId). */
  async peersOf(userId: string, limit: number): Promise<string[]> {
    return this.redis.zrevrange(user.peers(userId), 0, limit - 1);
  }

  /**
   * Indexes accounts missing from the directory (created before it existed, or whose `index` after
   * registration failed): SCAN over `cim-account:*` (on every master of a cluster) in batches of `batch`, never KEYS. Returns how many it added.
   * `nameKeyOf` maps a stored user name to its canonical key; `onAccounts`, when given, sees each batch of accounts.
   */
  async backfill(nameKeyOf: (userName: string) => string, batch = BACKFILL_BATCH, onAccounts?: (accounts: Array<{ userId: string; userName: string }>) => Promise<void>): Promise<number> {
    const prefix = keys.account("");
    let added = 0;
    // Every master of a cluster holds some of the accounts.
    for (const node of dataNodes(this.redis)) {
      let cursor = "0";
      do {
        const [next, found] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", batch);
        cursor = next;
        const ids = found.map((key) => key.slice(prefix.length)).filter((id) => /^[0-9]+$/.test(id));
        const names = await Promise.all(ids.map((id) => this.redis.hget(keys.account(id), "userName")));
        const entries = ids.flatMap((id, i) => (names[i] ? [0, lexEntry(nameKeyOf(names[i]), id)] : []));
        if (entries.length) added += await this.redis.zadd(directory.userNames, "NX", ...entries);
        if (onAccounts) await onAccounts(ids.flatMap((id, i) => (names[i] ? [{ userId: id, userName: names[i] }] : [])));
      } while (cursor !== "0");
    }
    return added;
  }
}
