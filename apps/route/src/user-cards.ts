// Users as route's lists show them: id, name as typed, and whether they are online, as the viewer may see it.
// Blocking hides presence both ways (those the viewer blocks and those who block it), as the gateways do for live
// presence: route's lists (online, search, members) follow, with one read of the viewer's two block sets.
import type { Services } from "./context.js";

export interface UserCard {
  userId: string;
  userName: string;
  online: boolean;
}

/** Cards of `userIds` in the order given, as `viewer` sees them; ids that name no account are left out. */
export async function userCards(s: Pick<Services, "accounts" | "presence" | "blocks">, userIds: readonly string[], viewer: string): Promise<UserCard[]> {
  const [names, online, hidden] = await Promise.all([s.accounts.names(userIds), s.presence.online(userIds), s.blocks.related(viewer)]);
  return userIds.flatMap((userId, i) => (names[i] ? [{ userId, userName: names[i], online: (online[i] ?? false) && !hidden.has(userId) }] : []));
}

/**
 * `userCards` with, for an offline user, when it was last online (`lastSeen`, ms since the epoch; 0 when online or
 * not known). A user hidden by a block either way shows offline with no time.
 */
export async function lastSeenCards(s: Pick<Services, "sessions" | "blocks">, userIds: readonly string[], viewer: string): Promise<Array<UserCard & { lastSeen: number }>> {
  const [states, hidden] = await Promise.all([s.sessions.lastSeenOf(userIds), s.blocks.related(viewer)]);
  return states.map((state) => (hidden.has(state.userId) ? { ...state, online: false, lastSeen: 0 } : state));
}

/** Every online user `viewer` may see online, in userId order. */
export async function onlineUsersSeenBy(s: Pick<Services, "sessions" | "blocks">, viewer: string): Promise<Array<{ userId: string; userName: string }>> {
  const [online, hidden] = await Promise.all([s.sessions.onlineUsers(), s.blocks.related(viewer)]);
  return online.filter((user) => !hidden.has(user.userId));
}
