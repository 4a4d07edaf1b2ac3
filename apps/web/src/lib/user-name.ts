// Route's rule for user names (apps/route/src/user-names.ts), checked before registering: a newcomer who types
// "Ann Smith" or an e-mail address is told what to change in their own words, before anything is sent.

/** The longest user name route accepts (characters as JavaScript counts them, as route's schema does). */
export const MAX_USER_NAME_LENGTH = 32;
// Invisible letters (default-ignorable, such as the Hangul filler U+3164) are refused: they read as another name.
const ALLOWED = /^(?!.*\p{Default_Ignorable_Code_Point})[\p{L}\p{N}_.-]+$/u;
const NOT_ALLOWED = /[^\p{L}\p{N}_.-]|\p{Default_Ignorable_Code_Point}/gu;

/** Why `typed` cannot be a user name, as a sentence; "" when route would take it. */
export function userNameProblem(typed: string): string {
  const name = typed.trim();
  if (!name) return "Choose a user name.";
  if (name.length > MAX_USER_NAME_LENGTH) return `A user name is at most ${MAX_USER_NAME_LENGTH} characters; this one has ${name.length}.`;
  if (ALLOWED.test(name)) return "";
  if (name.includes("@")) return "Choose a user name, not an e-mail address: letters, digits and _ . - only (for example “ann.smith”).";
  const joined = name.replace(/\s+/g, ".");
  if (/\s/.test(name)) return `A user name cannot contain spaces${ALLOWED.test(joined) ? `: try “${joined}”` : ""}.`;
  const refused = [...new Set(name.match(NOT_ALLOWED))].map((c) => `“${c}”`).join(" ");
  return `A user name may hold letters, digits and _ . - only, not ${refused}.`;
}
