// Checks that the Chromium the tests drive is there, then builds the web app when apps/web/dist is missing or older
// than its sources.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FullConfig } from "@playwright/test";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const WEB = join(ROOT, "apps/web");
/** Sources whose change makes the build stale: the app and the workspace packages it bundles. */
const SOURCES = [join(WEB, "src"), join(WEB, "index.html"), join(WEB, "vite.config.ts"), join(WEB, "precompress.ts"), join(WEB, "shell-worker-plugin.ts"), join(ROOT, "packages/client/src"), join(ROOT, "packages/protocol/src")];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/**
 * Without Debian's Chromium every test failed alike with Playwright's "Executable doesn't exist", whose advice
 * (`npx playwright install`) downloads a browser this project never uses: one line instead, before anything starts.
 */
function requireChromium(config: FullConfig): void {
  const path = config.projects[0]?.use.launchOptions?.executablePath;
  if (!path || existsSync(path)) return;
  const error = new Error(`Chromium not found at ${path}: sudo apt-get install -y chromium (or bash scripts/ensure-system.sh chromium), or set CIM_CHROMIUM to a Chromium binary`);
  error.stack = error.message;
  throw error;
}

export default function globalSetup(config: FullConfig): void {
  requireChromium(config);
  const built = join(WEB, "dist/index.html");
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt >= Math.max(...SOURCES.map(newestMtime))) return;
  console.log("[e2e] building the web app (apps/web/dist is missing or stale)");
  execFileSync("npm", ["run", "build", "-w", "@cim/web"], { cwd: ROOT, stdio: "inherit" });
}
