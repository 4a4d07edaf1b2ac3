// The defaults docs/CONTRACT.md states for configuration variables, for the apps' config tests to compare with theirs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./apps.js";

/** A stated value in the variable's own unit: `16 KiB` is 16384 bytes, `10 s` of a `_MS` variable 10000. */
function valueOf(name: string, text: string, unit = ""): number {
  const n = Number(text.replace(/,/g, ""));
  if (unit.trim() === "KiB") return n * 1024;
  if (unit.trim() === "s" && name.endsWith("_MS")) return n * 1000;
  return n;
}

/**
 * The variables whose default CONTRACT states right after their name, `` `CIM_MAX_DEVICES` (10) ``, or as a pair,
 * `` `CIM_INVITES_PER_USER` invitations per `CIM_INVITES_WINDOW_SECONDS` (100 per 3600 s) ``.
 */
export function contractDefaults(): Map<string, number> {
  const text = readFileSync(join(REPO_ROOT, "docs/CONTRACT.md"), "utf8").replace(/\n\s*/g, " ");
  const stated = new Map<string, number>();
  for (const [, a, b, x, y] of text.matchAll(/`(CIM_[A-Z0-9_]+)`[^`()]{0,40}? per `(CIM_[A-Z0-9_]+)` \((\d[\d,]*) per (\d[\d,]*) ?s\b/g)) {
    stated.set(a!, valueOf(a!, x!));
    stated.set(b!, valueOf(b!, y!));
  }
  for (const [, name, value, unit] of text.matchAll(/`(CIM_[A-Z0-9_]+)` \((\d[\d,]*)( KiB| s\b)?/g)) {
    if (!stated.has(name!)) stated.set(name!, valueOf(name!, value!, unit));
  }
  return stated;
}
