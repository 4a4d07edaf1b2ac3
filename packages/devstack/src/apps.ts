// Route and gateway processes: real `node` processes running the TypeScript sources through tsx, or the
// production bundles of `npm run build` (apps/<app>/dist/index.js) with plain node.
import { fileURLToPath } from "node:url";
import { spawnTracked, stopProcess, type Spawned } from "./processes.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface AppProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  process: Spawned;
  /** SIGTERM (graceful) or any signal; waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

const LISTENING = /"port":(\d+),[^\n]*"msg":"listening"/;

export interface StartAppOptions {
  /** Run the build output with plain node instead of the sources through tsx (default: CIM_DEVSTACK_BUILT=1). */
  built?: boolean;
  /** The process's open-files limit (soft and hard, `ulimit -n` in a shell that then becomes the app). */
  openFiles?: number;
  /**
   * The launcher's own words for a failed start, given the app's reason (its "failed to start" line): the app's line,
   * which names its environment variables (set PORT, give this one another GATEWAY_ID), is kept off the console, and
   * startApp rejects with this one line instead. For commands that set those variables themselves from their flags.
   */
  startFailure?: (reason: string) => string;
}

/** The app's own line of a failed start (`{"level":60,...,"reason":"...","msg":"gateway failed to start"}`). */
const FAILED_START = /"msg":"(route|gateway) failed to start"/;

/** The reason the app's "failed to start" line in `output` gives (its `reason`, or its error's message), if any. */
export function startFailureReason(output: string): string | null {
  const line = output.split("\n").find((candidate) => FAILED_START.test(candidate));
  if (!line) return null;
  try {
    const entry = JSON.parse(line) as { reason?: unknown; err?: { message?: unknown } };
    return String(entry.reason ?? entry.err?.message ?? line);
  } catch {
    return line;
  }
}

/** The command line that runs an app: its bundle with plain node, or its sources through tsx. */
export function appCommand(app: "route" | "gateway", built: boolean): string[] {
  return built
    ? [fileURLToPath(new URL(`../../../apps/${app}/dist/index.js`, import.meta.url))]
    : ["--import", "tsx", fileURLToPath(new URL(`../../../apps/${app}/src/index.ts`, import.meta.url))];
}

/** Starts one app (`route` or `gateway`) with `env` over the parent's environment; port 0 picks a free one. */
export async function startApp(app: "route" | "gateway", env: Record<string, string>, label: string = app, options: StartAppOptions = {}): Promise<AppProcess> {
  const built = options.built ?? process.env.CIM_DEVSTACK_BUILT === "1";
  const command = appCommand(app, built);
  const limited = options.openFiles === undefined ? null : ["-c", `ulimit -n ${Math.floor(options.openFiles)} && exec "$0" "$@"`, process.execPath, ...command];
  const spawned = spawnTracked(limited ? "bash" : process.execPath, limited ?? command, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
  }, label, options.startFailure ? { hidden: (line) => FAILED_START.test(line) } : {});
  let match: RegExpMatchArray;
  try {
    match = await spawned.waitFor(LISTENING, 30_000);
  } catch (error) {
    if (!options.startFailure) throw error;
    // "exit" can come before the last of its output: its stdout is read to the end first.
    if (spawned.child.exitCode !== null && !spawned.child.stdout?.readableEnded) {
      await new Promise<void>((settled) => {
        const timer = setTimeout(settled, 2_000);
        spawned.child.once("close", () => (clearTimeout(timer), settled()));
      });
    }
    const reason = startFailureReason(spawned.output());
    throw reason ? new Error(options.startFailure(reason)) : error;
  }
  const port = Number(match[1]);
  return { url: `http://127.0.0.1:${port}`, port, process: spawned, stop: (signal = "SIGTERM") => stopProcess(spawned, signal) };
}
