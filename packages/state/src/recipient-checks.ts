// Who a private message may go to: the recipient's account, remembered for a while, and the sender's pairs with a
// conversation (or allowed to start one within newPeersPerHour), so most private sends cost no round trip for them.
import type { RedisClient } from "./redis.js";
import { keys, user } from "./keys.js";

/** Recipients known to have an account, at most this many: their check costs no round trip (see ACCOUNT_KNOWN_MS). */
const KNOWN_ACCOUNTS = 100_000;
/** How long an account found is taken to exist without asking Redis again, by default (an account can be deleted). */
export const ACCOUNT_KNOWN_MS = 10_000;
/** Pairs known to have a conversation (or allowed to start one), at most this many: their sends cost no check. */
const KNOWN_PAIRS = 100_000;
/** How long hasConversation believes a pair has no conversation: a first message makes one, seen after this long. */
export const NO_CONVERSATION_KNOWN_MS = 5_000;
/** The window of `newPeersPerHour`. */
const NEW_PEERS_WINDOW_MS = 3_600_000;

/** MessageStore's checks of a private message's recipient and pair (its options of the same names). */
export class RecipientChecks {
  /**
   * Recipients' account checks, known or in flight. Every store of a private message awaits one of these promises
   * (never sometimes a Redis reply and sometimes nothing), so a sender's pipelined sends reach their conversation
   * script in arrival order: a cache hit racing ahead of misses still in flight would reorder them.
   */
  private readonly knownAccounts = new Map<string, { check: Promise<boolean>; until: number }>();
  /** "<from> <to>" of pairs with a conversation, or whose new one was allowed: their later sends are not counted. */
  private readonly knownPairs = new Set<string>();
  /** "<from> <to>" of pairs found without a conversation (hasConversation), until when that is believed. */
  private readonly noConversation = new Map<string, number>();
  /** Checks of pairs under way: a burst to a new peer, sent before its first message is stored, counts it once. */
  private readonly checkingPairs = new Map<string, Promise<boolean>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { accountKnownMs?: number; newPeersPerHour?: number },
  ) {}

  /**
   * True when `from` has a conversation with `to` (either wrote to the other), or may start one: one more new peer
   * this hour within newPeersPerHour. Pairs found so are remembered (a conversation stays one): no round trip then.
   */
  async mayWrite(from: string, to: string): Promise<boolean> {
    const limit = this.options.newPeersPerHour ?? 0;
    const pair = `${from} ${to}`;
    if (limit <= 0 || this.knownPairs.has(pair)) return true;
    let check = this.checkingPairs.get(pair);
    if (!check) {
      check = this.redis.cimNewPeer(user.peers(from), user.newPeers(from), to, String(limit), String(NEW_PEERS_WINDOW_MS)).then((answer) => answer === 1);
      this.checkingPairs.set(pair, check);
      void check.finally(() => this.checkingPairs.delete(pair)).catch(() => undefined);
    }
    const allowed = await check;
    if (allowed) {
      if (this.knownPairs.size >= KNOWN_PAIRS) this.knownPairs.clear();
      this.knownPairs.add(pair);
    }
    return allowed;
  }

  /**
   * True when `from` and `to` have a private conversation (either wrote to the other: `to` is in `from`'s peers).
   * Shares the pairs `mayWrite` remembers, so a found pair costs no round trip again; a pair not found is remembered
   * as such for NO_CONVERSATION_KNOWN_MS (a stranger's Typing loop costs one read a pair and window). The gateway
   * relays a private Typing only between such users.
   */
  async hasConversation(from: string, to: string): Promise<boolean> {
    const pair = `${from} ${to}`;
    if (this.knownPairs.has(pair)) return true;
    const now = Date.now();
    const until = this.noConversation.get(pair);
    if (until !== undefined && until > now) return false;
    const found = (await this.redis.zscore(user.peers(from), to)) !== null;
    if (found) {
      if (this.knownPairs.size >= KNOWN_PAIRS) this.knownPairs.clear();
      this.knownPairs.add(pair);
      this.noConversation.delete(pair);
    } else {
      if (this.noConversation.size >= KNOWN_PAIRS) this.noConversation.clear();
      this.noConversation.set(pair, now + NO_CONVERSATION_KNOWN_MS);
    }
    return found;
  }

  /** This process asks Redis again at the next send to the user (its account was just deleted, here or elsewhere). */
  forgetAccount(userId: string): void {
    this.knownAccounts.delete(userId);
  }

  /**
   * True when the user has an account: remembered for accountKnownMs once found (until `forgetAccount`), so most
   * checks cost no round trip. Private sends check their recipient with it; receipts their peer.
   */
  hasAccount(userId: string): Promise<boolean> {
    const knownMs = this.options.accountKnownMs ?? ACCOUNT_KNOWN_MS;
    if (knownMs === 0) return this.redis.exists(keys.account(userId)).then((n) => n === 1);
    const now = Date.now();
    const known = this.knownAccounts.get(userId);
    if (known && known.until > now) return known.check;
    if (this.knownAccounts.size >= KNOWN_ACCOUNTS) this.knownAccounts.clear();
    const check = this.redis.exists(keys.account(userId)).then((n) => {
      // Only existing accounts are remembered, for accountKnownMs (an account its user deletes is refused after
      // that, or as soon as this process hears of it); an unknown id is asked again.
      if (n === 0) this.knownAccounts.delete(userId);
      return n === 1;
    });
    check.catch(() => this.knownAccounts.delete(userId));
    this.knownAccounts.set(userId, { check, until: now + knownMs });
    return check;
  }

  /** A message of the pair was stored here: it has a conversation now, both ways (the recipient's Typing back too). */
  conversationStarted(from: string, to: string): void {
    this.noConversation.delete(`${from} ${to}`);
    this.noConversation.delete(`${to} ${from}`);
  }
}
