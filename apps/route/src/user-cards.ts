// Users as route's lists show them: id, name as typed, and whether they are online, as the viewer may see it.
import type { Services } from "./context.js";

export interface UserCard {
  userId: string;
  userName: string;
  online: boolean;
}

/**
 * The users whose presence `viewer` does not see: those it blocks and those who block it. Blocking hides presence
 * both ways, as the gateways do for live presence; route's lists (online, search, members) follow.
 */
export function presenceHidden(s: Pick<Services, "blocks">, viewer: string): Promise<ReadonlySet<string>> {
  return s.blocks.related(viewer);
}

/** Cards of `userIds` in the order given, as `viewer` sees them; ids that name no account are left out. */
export async function userCards(s: Pick<Services, "accounts" | "presence" | "blocks">, userIds: readonly string[], viewer: string): Promise<UserCard[]> {
  const [names, online, hidden] = await Promise.all([s.accounts.names(userIds), s.presence.online(userIds), presenceHidden(s, viewer)]);
  return userIds.flatMap((userId, i) => (names[i] ? [{ userId, userName: names[i], online: (online[i] ?? false) && !hidden.has(userId) }] : []));
}
