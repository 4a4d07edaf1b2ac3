// Route and gateway processes (real `node` processes running the TypeScript sources through tsx).
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

/** Starts one app (`route` or `gateway`) with `env` over the parent's environment; port 0 picks a free one. */
export async function startApp(app: "route" | "gateway", env: Record<string, string>, label: string = app): Promise<AppProcess> {
  const entry = fileURLToPath(new URL(`../../../apps/${app}/src/index.ts`, import.meta.url));
  const spawned = spawnTracked(process.execPath, ["--import", "tsx", entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
  }, label);
  const match = await spawned.waitFor(LISTENING, 30_000);
  const port = Number(match[1]);
  return { url: `http://127.0.0.1:${port}`, port, process: spawned, stop: (signal = "SIGTERM") => stopProcess(spawned, signal) };
}
