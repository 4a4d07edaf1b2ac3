// Secrets of a local install: generated once per checkout into .run/secrets.json (mode 0600), then reused.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface LocalSecrets {
  CIM_TOKEN_SECRET: string;
  CIM_ADMIN_TOKEN: string;
}

function fresh(): LocalSecrets {
  return { CIM_TOKEN_SECRET: randomBytes(48).toString("base64url"), CIM_ADMIN_TOKEN: randomBytes(24).toString("base64url") };
}

/**
 * Reads the secrets kept in `file`, creating it with random ones the first time, so every process started
 * from this checkout (and one restarted by hand with the same file) signs and verifies with the same secret.
 */
export function localSecrets(file: string): LocalSecrets {
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>;
    if (kept.CIM_TOKEN_SECRET && kept.CIM_ADMIN_TOKEN) {
      chmodSync(file, 0o600);
      return { CIM_TOKEN_SECRET: kept.CIM_TOKEN_SECRET, CIM_ADMIN_TOKEN: kept.CIM_ADMIN_TOKEN };
    }
  }
  const secrets = fresh();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
