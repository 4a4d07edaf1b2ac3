// Finds the user a typed name means: route's user search by prefix, then an exact match of the whole name.
import type { UserEntry } from "@cim/client";

/** How many users one lookup asks route for: enough that the exact name is among those sharing its prefix. */
export const LOOKUP_LIMIT = 50;

export type UserSearch = (prefix: string, limit: number) => Promise<UserEntry[]>;

/**
 * The user named `name`, or null when nobody has that name. Names are unique by a canonical key (route folds
 * case and compatibility forms), so the comparison folds them too: `Alice` finds `alice`.
 */
export async function lookUpUser(search: UserSearch, name: string): Promise<UserEntry | null> {
  const wanted = fold(name);
  const found = await search(name, LOOKUP_LIMIT);
  return found.find((user) => fold(user.userName) === wanted) ?? null;
}

function fold(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}
