// Open files against the process's limit (route's and a gateway's). At the limit, Node's accept fails with EMFILE and
// libuv accepts and closes each new connection at once, without an error event: clients see resets and the
// operator sees nothing (process_open_fds is on /metrics, but nobody reads it in a hurry). A check every 10 s logs
// one warning a minute while the process holds more than 90 % of its limit, and one line when it is back under.
// And a server keeps files in reserve: it takes no more connections than the limit less RESERVED_FILES, so that at
// capacity the process can still open its own sockets (a Redis or ZooKeeper reconnect, a log file).
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import type { Server } from "node:net";

export interface OpenFilesLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface OpenFilesOptions {
  intervalMs?: number;
  /** Warn above this share of the limit. */
  ratio?: number;
  /** At most one warning per this many ms while above. */
  quietMs?: number;
  /** Where the open files are listed and the limit read (Linux' /proc; tests give their own). */
  fdDir?: string;
  limitsFile?: string;
}

/** The soft limit on open files from a /proc/<pid>/limits text, or undefined ("unlimited" or no such line). */
export function openFilesLimit(limits: string): number | undefined {
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = Number(line?.slice("Max open files".length).trim().split(/\s+/)[0]);
  return Number.isInteger(soft) && soft > 0 ? soft : undefined;
}

/** This process's soft limit, read once at start (a small /proc file): undefined without /proc or a finite limit. */
function readOpenFilesLimit(limitsFile: string): number | undefined {
  try {
    return openFilesLimit(readFileSync(limitsFile, "utf8"));
  } catch {
    return undefined;
  }
}

/** True at most once per `quietMs`: both warnings below are logged at most once a minute while their cause lasts. */
function quietFor(quietMs: number): () => boolean {
  let saidAt = -Infinity;
  return () => {
    if (Date.now() - saidAt < quietMs) return false;
    saidAt = Date.now();
    return true;
  };
}

/**
 * Starts the watch; returns its stop. Off where there is no /proc (not Linux) or no finite limit. The count lists the
 * fd folder asynchronously (libuv's threads), so 20,000 sockets cost the event loop nothing.
 */
export function watchOpenFiles(log: OpenFilesLogger, options: OpenFilesOptions = {}): () => void {
  const { intervalMs = 10_000, ratio = 0.9, quietMs = 60_000, fdDir = "/proc/self/fd", limitsFile = "/proc/self/limits" } = options;
  const limit = readOpenFilesLimit(limitsFile);
  if (limit === undefined) return () => undefined;
  const mayWarn = quietFor(quietMs);
  let stopped = false;
  let over = false;
  const check = async () => {
    // Listing the folder takes a file itself: at the limit it fails with EMFILE, which is the answer.
    const open = await readdir(fdDir).then((names) => names.length, (error: NodeJS.ErrnoException) => {
      if (error.code === "EMFILE" || error.code === "ENFILE") return limit;
      throw error;
    });
    if (stopped) return;
    if (open > limit * ratio) {
      over = true;
      if (mayWarn()) log.warn({ openFiles: open, limit }, "open files near the limit: past it, new connections are closed at once without an error (raise ulimit -n, or add processes)");
    } else if (over) {
      over = false;
      log.info({ openFiles: open, limit }, "open files back under the warning level");
    }
  };
  const timer = setInterval(() => void check().catch((error: unknown) => {
    clearInterval(timer);
    log.warn({ err: (error as Error).message }, "open files watch stopped: the open files cannot be listed");
  }), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Files a server leaves to its own process: Redis and ZooKeeper connections and reconnects, pipes, logs. */
export const RESERVED_FILES = 128;

/**
 * Caps `server`'s connections at the open-files limit less `reserve` (Node closes each one past it at once, as
 * libuv does at the limit itself), and logs one warning a minute while it does. Nothing where the limit is unknown.
 * Returns the cap (undefined: none).
 */
export function keepFilesInReserve(server: Server, log: Pick<OpenFilesLogger, "warn">, options: { reserve?: number; limitsFile?: string; quietMs?: number } = {}): number | undefined {
  const { reserve = RESERVED_FILES, limitsFile = "/proc/self/limits", quietMs = 60_000 } = options;
  const limit = readOpenFilesLimit(limitsFile);
  if (limit === undefined) return undefined;
  const cap = Math.max(1, limit - reserve);
  server.maxConnections = cap;
  const mayWarn = quietFor(quietMs);
  let dropped = 0;
  server.on("drop", () => {
    dropped++;
    if (!mayWarn()) return;
    log.warn({ maxConnections: cap, limit, dropped }, "connection closed at once: this process holds its most connections (the open-files limit less those kept for Redis, ZooKeeper and logs)");
    dropped = 0;
  });
  return cap;
}
