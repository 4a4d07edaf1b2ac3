// Users as route's lists show them: id, name as typed, and whether they are online.
import type { Services } from "./context.js";

export interface UserCard {
  userId: string;
  userName: string;
  online: boolean;
}

/** Cards of `userIds` in the order given; ids that name no account are left out. */
export async function userCards(s: Pick<Services, "accounts" | "presence">, userIds: readonly string[]): Promise<UserCard[]> {
  const [names, online] = await Promise.all([s.accounts.names(userIds), s.presence.online(userIds)]);
  return userIds.flatMap((userId, i) => (names[i] ? [{ userId, userName: names[i], online: online[i] ?? false }] : []));
}
