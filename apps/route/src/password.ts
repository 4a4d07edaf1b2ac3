// Password hashing: Argon2id with OWASP's parameters; older scrypt hashes still verify and are re-hashed at login.
// Passwords are hashed in Unicode NFKC (NIST SP 800-63B 5.1.1.2): "é" typed as one code point on one keyboard and as
// "e" + U+0301 on another, or fullwidth letters from an input method, are one password.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** OWASP Password Storage cheat sheet: Argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

/** The password as hashed: its NFKC form (lone surrogates, refused for new passwords, are left as they are). */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2);
}

/**
 * Checks a password against a stored hash of any scheme this service ever wrote; `good` false for garbage. A hash
 * made before passwords were normalized holds the password as typed: tried second, when the two differ, and then
 * `rehash` says to store the normalized one.
 */
export async function checkPassword(password: string, stored: string): Promise<{ good: boolean; rehash: boolean }> {
  const normalized = normalizePassword(password);
  if (await verifyOne(normalized, stored)) return { good: true, rehash: needsRehash(stored) };
  if (normalized !== password && (await verifyOne(password, stored))) return { good: true, rehash: true };
  return { good: false, rehash: false };
}

/** Whether the password is right (see checkPassword). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return (await checkPassword(password, stored)).good;
}

async function verifyOne(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith("$argon2")) return verify(stored, password).catch(() => false);
  if (stored.startsWith("scrypt$")) return verifyScrypt(password, stored);
  return false;
}

/** True when a hash was made with weaker parameters or another scheme: re-hash it at the next good login. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of checkPassword's verifications on a random hash (two when normalizing changes the password), so
 * an unknown name answers like a wrong password.
 */
export async function verifyNothing(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  await checkPassword(password, await dummy);
}

// The seed's format, `scrypt$N$r$p$salt$hash`: accounts made before Argon2id.
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, expectedB64] = stored.split("$");
  if (!salt || !expectedB64) return false;
  const expected = Buffer.from(expectedB64, "base64");
  const options: ScryptOptions = { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 };
  const key = await new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, Buffer.from(salt, "base64"), expected.length, options, (error, derived) => (error ? reject(error) : resolve(derived))),
  ).catch(() => null);
  return key !== null && key.length === expected.length && timingSafeEqual(key, expected);
}
