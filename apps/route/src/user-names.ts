// User names: shown as typed, unique by a canonical key so "Alice", "аlice" (Cyrillic) and "ａlice" are one name.
import unhomoglyph from "unhomoglyph";
import { EVERYONE } from "@cim/state";

/**
 * The key that makes names unique: NFKC (fullwidth and compatibility forms), case-folded, then Unicode's
 * confusable skeleton (UTS #39, via unhomoglyph) so look-alike letters of other scripts map to one name.
 */
export function nameKey(userName: string): string {
  return unhomoglyph(userName.normalize("NFKC").toLowerCase()).normalize("NFKC").toLowerCase();
}

/**
 * Every key a new name claims: `nameKey`, and the key of its confusable skeleton taken before case folding when
 * that differs. Lower-casing first loses the look-alikes of capitals: `I` is a look-alike of `l` ("aIice" of
 * "alice"), Greek and Cyrillic capitals of Latin ones ("ΚΕΝ", "КЕН" of "KEN"); the second key catches them.
 */
export function nameKeys(userName: string): [string, ...string[]] {
  const key = nameKey(userName);
  const capitals = nameKey(unhomoglyph(userName.normalize("NFKC")));
  return capitals === key ? [key] : [key, capitals];
}

/**
 * What a user name may hold: letters, digits, `_ . -`; no default-ignorable code point. The Hangul fillers (U+115F,
 * U+1160, U+3164, U+FFA0) are letters that show as blank: "alice" + U+3164 has a key of its own and reads as
 * "alice", and a name of one filler reads as no name.
 */
export const USER_NAME = /^(?!.*\p{Default_Ignorable_Code_Point})[\p{L}\p{N}_.-]+$/u;
export const MAX_USER_NAME_LENGTH = 32;

/** The look-alike keys of stored accounts, for `AccountStore.claimLookAlikes` (the keys beyond `nameKey`). */
export function lookAlikeClaims(accounts: ReadonlyArray<{ userId: string; userName: string }>): Array<{ userId: string; keys: string[] }> {
  return accounts.flatMap((account) => {
    const [, ...keys] = nameKeys(account.userName);
    return keys.length ? [{ userId: account.userId, keys }] : [];
  });
}

const GROUP_NAME_KEY = nameKey(EVERYONE.name);

/**
 * Whether a name is the group's ("Everyone") or one of its look-alikes (a Cyrillic Е, a fullwidth e): neither a room
 * nor a user may take it, else a room, or a private chat with that user, would pass for the group in the lists.
 */
export function isGroupName(name: string): boolean {
  return nameKeys(name).includes(GROUP_NAME_KEY);
}
