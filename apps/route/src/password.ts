// Password hashing: Argon2id with OWASP's parameters; older scrypt hashes still verify and are re-hashed at login.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** OWASP Password Storage cheat sheet: Argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Checks a password against a stored hash of any scheme this service ever wrote; false for garbage. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith("$argon2")) return verify(stored, password).catch(() => false);
  if (stored.startsWith("scrypt$")) return verifyScrypt(password, stored);
  return false;
}

/** True when a hash was made with weaker parameters or another scheme: re-hash it at the next good login. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}

let dummy: Promise<string> | undefined;

/** Spends the time of one verification on a random hash, so an unknown name answers like a wrong password. */
export async function verifyNothing(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  await verify(await dummy, password).catch(() => false);
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
