// What a new password must be (OWASP ASVS 2.1, NIST SP 800-63B 5.1.1.2): 8 to 128 characters, not a common password,
// not the name, not one short group of characters repeated nor a run of consecutive ones.
import { dictionary } from "@zxcvbn-ts/language-common";
import { ErrorCode } from "@cim/protocol";
import { ApiError } from "./errors.js";
import { normalizePassword } from "./password.js";

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

// zxcvbn-ts's list of the most common passwords (about 49,000), kept with the package.
const common = new Set((dictionary as Record<string, string[]>)["passwords-common"] ?? []);
if (common.size === 0) throw new Error("the common-password list of @zxcvbn-ts/language-common is missing");

/** Throws a 400 `weak_password` that says why, or returns. Length counts code points. */
export function checkNewPassword(typed: string, userName: string): void {
  // Hashed as UTF-8, every lone surrogate becomes U+FFFD: "\ud800" nine times and "\udfff" nine times would be one password.
  if (/\p{Cs}/u.test(typed)) throw weak("password may not hold lone surrogates (halves of a character)");
  // What is hashed is checked: "ｐａｓｓｗｏｒｄ" is "password".
  const password = normalizePassword(typed);
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw weak(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw weak(`password is at most ${MAX_PASSWORD_LENGTH} characters`);
  // Spaces are allowed (a passphrase) but add nothing to guess: nine spaces, or " password1 ", are weak.
  const bare = password.replace(/\s+/gu, "").toLowerCase();
  if ([...bare].length < MIN_PASSWORD_LENGTH) throw weak(`password must hold at least ${MIN_PASSWORD_LENGTH} characters besides spaces`);
  if (common.has(bare)) throw weak("this password is one of the most common ones: choose another");
  if (REPEATED.test(bare)) throw weak("password must not be one character or a short group of them repeated (like aaaaaaaa or abcabcabc)");
  if (isRun(bare)) throw weak("password must not be a run of consecutive characters (like 23456789 or hgfedcba)");
  if (bare === userName.toLowerCase()) throw weak("password must not be the user name");
}

/** One to four characters repeated to the end: "aaaaaaaaaa", "abcabcabc", "12121212", "passpass". */
const REPEATED = /^(.{1,4})\1+$/u;

/** Every character the one after (or before) the previous one: "12345678", "abcdefghij", "87654321". */
function isRun(bare: string): boolean {
  const points = [...bare].map((c) => c.codePointAt(0)!);
  const step = points[1]! - points[0]!;
  return Math.abs(step) === 1 && points.every((point, i) => i === 0 || point - points[i - 1]! === step);
}

function weak(message: string): ApiError {
  return new ApiError(400, ErrorCode.WeakPassword, message);
}
