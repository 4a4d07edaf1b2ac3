// The rooms of the users connected here: loaded at a user's first login (SMEMBERS of its rooms) and kept
// current by membership events from the bus, including events that arrive while the load is under way.
import { EVERYONE_ROOM } from "@cim/protocol";

export interface MembershipChange {
  room: string;
  userId: string;
  /** "joined" and "invited" make the user a member, "left" ends it. */
  kind: string;
}

interface Loading {
  promise: Promise<ReadonlySet<string>>;
  /** Changes seen during the load, applied to its answer in order. */
  changes: MembershipChange[];
}

const NONE: ReadonlySet<string> = new Set();
/** Shared by every loaded user in no room (most users; a Set each costs about 100 B, issue 13): never changed,
 * replaced by a Set of the user's own when a room is added. */
const NO_ROOMS = new Set<string>();

export const isMemberKind = (kind: string) => kind === "joined" || kind === "invited";

export class Membership {
  private readonly rooms = new Map<string, Set<string>>();
  private readonly loading = new Map<string, Loading>();

  /** `load` reads a user's rooms ("everyone" excluded) from Redis. */
  constructor(private readonly fetch: (userId: string) => Promise<string[]>) {}

  /** The user's rooms, loaded once while it has sessions here (concurrent logins share one load). */
  load(userId: string): Promise<ReadonlySet<string>> {
    const known = this.rooms.get(userId);
    if (known) return Promise.resolve(known);
    const pending = this.loading.get(userId);
    if (pending) return pending.promise;
    const loading: Loading = { changes: [], promise: Promise.resolve(NONE) };
    loading.promise = this.fetch(userId).then(
      (fetched) => {
        this.loading.delete(userId);
        const rooms = new Set(fetched);
        for (const change of loading.changes) apply(rooms, change);
        const kept = rooms.size > 0 ? rooms : NO_ROOMS;
        this.rooms.set(userId, kept);
        return kept;
      },
      (error: unknown) => {
        this.loading.delete(userId);
        throw error;
      },
    );
    this.loading.set(userId, loading);
    return loading.promise;
  }

  /** The user's rooms as known here (none while not loaded); never "everyone". */
  roomsOf(userId: string): ReadonlySet<string> {
    return this.rooms.get(userId) ?? NONE;
  }

  /** True when the user is a member of `room` as known here; always for "everyone". */
  isMember(userId: string, room: string): boolean {
    return room === EVERYONE_ROOM || this.roomsOf(userId).has(room);
  }

  /** The local users in `room`. */
  *membersOf(room: string): IterableIterator<string> {
    for (const [userId, rooms] of this.rooms) if (rooms.has(room)) yield userId;
  }

  /** Applies a change of a user known here (loaded or loading); false when it changed nothing here. */
  apply(change: MembershipChange): boolean {
    const loading = this.loading.get(change.userId);
    if (loading) loading.changes.push(change);
    const rooms = this.rooms.get(change.userId);
    if (!rooms) return false;
    const own = rooms === NO_ROOMS ? new Set<string>() : rooms;
    const changed = apply(own, change);
    if (changed && own !== rooms) this.rooms.set(change.userId, own);
    return changed;
  }

  /**
   * Brings a user's rooms up to a fresh read (after the bus was down, events may have been lost); returns what
   * was added and removed. Changes that arrive during the read are kept: only differences from the rooms known
   * when it started are applied.
   */
  async refresh(userId: string): Promise<{ added: string[]; removed: string[] }> {
    const rooms = this.rooms.get(userId);
    if (!rooms) return { added: [], removed: [] };
    const before = new Set(rooms);
    const fresh = new Set(await this.fetch(userId));
    // Forgotten meanwhile (a user in no room may have gained its own Set meanwhile: that is still the same user).
    const current = this.rooms.get(userId);
    if (!current || (current !== rooms && rooms !== NO_ROOMS)) return { added: [], removed: [] };
    const added = [...fresh].filter((room) => !before.has(room) && !current.has(room));
    const removed = [...before].filter((room) => !fresh.has(room) && current.has(room));
    if (added.length === 0 && removed.length === 0) return { added, removed };
    const own = current === NO_ROOMS ? new Set<string>() : current;
    for (const room of added) own.add(room);
    for (const room of removed) own.delete(room);
    if (own !== current) this.rooms.set(userId, own);
    return { added, removed };
  }

  /** The user has no session here any more. */
  forget(userId: string): void {
    this.rooms.delete(userId);
  }
}

function apply(rooms: Set<string>, change: MembershipChange): boolean {
  if (change.room === EVERYONE_ROOM) return false;
  if (isMemberKind(change.kind)) {
    if (rooms.has(change.room)) return false;
    rooms.add(change.room);
    return true;
  }
  return change.kind === "left" && rooms.delete(change.room);
}
