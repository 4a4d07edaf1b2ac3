// The online panel's list kept in route's order (by name) between its refreshes: a user who came online (a
// presence change) goes in at once, where route would list it.
import type { OnlineUser } from "@cim/client";

/** Close to route's name key (`nameKey`: case and width folded); route's next page puts any look-alike right. */
export function nameOrderKey(userName: string): string {
  return userName.normalize("NFKC").toLowerCase();
}

function before(a: OnlineUser, b: OnlineUser): boolean {
  const ka = nameOrderKey(a.userName);
  const kb = nameOrderKey(b.userName);
  return ka < kb || (ka === kb && a.userId < b.userId);
}

/**
 * The list with `user` in its place by name, or null when it does not belong to what is shown: its name does not
 * start with the filter, it is listed already, or it sorts after the last one shown while more pages follow
 * (`complete` false): route's next page will have it.
 */
export function withOnlineUser(users: readonly OnlineUser[], user: OnlineUser, view: { prefix: string; complete: boolean }): OnlineUser[] | null {
  if (!nameOrderKey(user.userName).startsWith(nameOrderKey(view.prefix)) || users.some((u) => u.userId === user.userId)) return null;
  const at = users.findIndex((u) => before(user, u));
  if (at < 0) return view.complete ? [...users, user] : null;
  return [...users.slice(0, at), user, ...users.slice(at)];
}
