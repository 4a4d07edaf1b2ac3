// The env that loads server-hook.mjs into a server process: forced GC on SIGUSR2, optional CPU profile.
import { fileURLToPath } from "node:url";

const HOOK = fileURLToPath(new URL("../server-hook.mjs", import.meta.url));

export function serverHookEnv(profileDir?: string): Record<string, string> {
  const heapDir = process.env.CIM_BENCH_HEAP_DIR;
  return { NODE_OPTIONS: `--import ${HOOK}`, ...(profileDir ? { CIM_BENCH_PROFILE_DIR: profileDir } : {}), ...(heapDir ? { CIM_BENCH_HEAP_DIR: heapDir } : {}) };
}
