// User names: shown as typed, unique by a canonical key so "Alice", "аlice" (Cyrillic) and "ａlice" are one name.
import unhomoglyph from "unhomoglyph";

/**
 * The key that makes names unique: NFKC (fullwidth and compatibility forms), case-folded, then Unicode's
 * confusable skeleton (UTS #39, via unhomoglyph) so look-alike letters of other scripts map to one name.
 */
export function nameKey(userName: string): string {
  return unhomoglyph(userName.normalize("NFKC").toLowerCase()).normalize("NFKC").toLowerCase();
}

/** What a user name may hold: letters, digits, `_ . -`. */
export const USER_NAME = /^[\p{L}\p{N}_.-]+$/u;
export const MAX_USER_NAME_LENGTH = 32;
