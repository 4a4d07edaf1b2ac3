// Child processes that die with their parent, with their output kept for diagnosis.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import type { Readable, Writable } from "node:stream";
import { isProblemLine, LinePrefixer } from "./echo.js";
import { LogFile, logMaxBytesFrom } from "./log-file.js";

export { logFileOf } from "./log-file.js";

const live = new Set<ChildProcess>();

/**
 * The prefix that has the kernel send a child SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG, kept across the
 * exec; util-linux's setpriv, in every Debian): `npm start` killed, or its terminal closed, left Redis, ZooKeeper,
 * route and the gateways running on their ports, and the next `npm start` moved to other ports beside them (a second
 * redis-server on the same data folder). The pid stays the child's own (setpriv execs it), so signals still reach it.
 */
const SETPRIV = "/usr/bin/setpriv";
const PARENT_DEATH_SIGNAL: string[] | null = existsSync(SETPRIV) ? [SETPRIV, "--pdeathsig", "SIGTERM", "--"] : null;
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

export interface Spawned {
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr, interleaved). */
  output: () => string;
  /**
   * Resolves with the first match in stdout/stderr, rejects on exit or timeout. The output is matched without its
   * terminal colours: a child that sees `CI` in its environment colours even a pipe (Vite's `Local:` comes as
   * `Local\x1b[22m:`).
   */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Copies `from` to `to`, each line under `[label]`; with `problemsOnly`, only warnings and errors (`isProblemLine`). */
function echo(from: Readable | null, to: Writable, label: string, problemsOnly: boolean, fromStderr: boolean, hidden?: (line: string) => boolean): void {
  if (!from) return;
  const lines = new LinePrefixer(label, (line) => !hidden?.(line) && (!problemsOnly || isProblemLine(line, fromStderr)));
  from.on("data", (chunk: Buffer) => to.write(lines.push(chunk.toString("utf8"))));
  from.on("end", () => to.write(lines.flush()));
}

/**
 * Appends the child's stdout and stderr, as they come, to its log file (a restarted child goes on in the same one):
 * mode 0600, capped at CIM_DEVSTACK_LOG_MAX_BYTES with one older file kept (`LogFile`).
 */
function keepLog(child: ChildProcess, dir: string, label: string): void {
  let file: LogFile;
  try {
    file = new LogFile(dir, label, logMaxBytesFrom(process.env), (message) => console.error(`[${label}] ${message}`));
  } catch (error) {
    console.error(`[${label}] cannot open its log file in ${dir}: ${(error as Error).message}`);
    return;
  }
  child.stdout?.on("data", (chunk: Buffer) => file.write(chunk));
  child.stderr?.on("data", (chunk: Buffer) => file.write(chunk));
  child.on("close", () => file.close());
}

export interface EchoOptions {
  /** Lines kept off the console (still in the log file and `output()`): lines the launcher says in its own words. */
  hidden?: (line: string) => boolean;
}

/**
 * Spawns a child that is SIGKILLed if this process exits first. `CIM_DEVSTACK_ECHO=1` copies its output to this
 * process's, each line under `[label]`; `CIM_DEVSTACK_ECHO=problems` only its warnings and errors (`isProblemLine`);
 * `CIM_DEVSTACK_LOG_DIR` appends all of it to `<dir>/<label>.log` (`npm start`: .run/logs).
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions, label: string, echoOptions: EchoOptions = {}): Spawned {
  hookExit();
  // Own process group: a terminal's Ctrl-C reaches only the parent, which stops children in order. A parent that dies
  // without its exit hook (SIGKILL, an unhandled signal) leaves them behind, so each is also told of its parent's death.
  const [file, argv] = PARENT_DEATH_SIGNAL ? [PARENT_DEATH_SIGNAL[0]!, [...PARENT_DEATH_SIGNAL.slice(1), command, ...args]] : [command, args];
  const child = spawn(file, argv, { ...options, stdio: ["pipe", "pipe", "pipe"], detached: true });
  live.add(child);
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const echoed = process.env.CIM_DEVSTACK_ECHO;
  if (echoed) {
    echo(child.stdout, process.stdout, label, echoed === "problems", false, echoOptions.hidden);
    echo(child.stderr, process.stderr, label, echoed === "problems", true, echoOptions.hidden);
  }
  if (process.env.CIM_DEVSTACK_LOG_DIR) keepLog(child, process.env.CIM_DEVSTACK_LOG_DIR, label);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => {
      live.delete(child);
      for (const listener of listeners) listener();
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stripVTControlCharacters(output).match(pattern);
        if (match) return finish(() => resolve(match));
        if (child.exitCode !== null || child.signalCode !== null) {
          finish(() => reject(new Error(`${label} exited before printing ${pattern}:\n${output.slice(-4000)}`)));
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${label} did not print ${pattern} within ${timeoutMs} ms:\n${output.slice(-4000)}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });
  return { child, output: () => output, waitFor, exited };
}

/** Sends a signal and waits for the exit; SIGKILL after `graceMs`. */
export async function stopProcess(spawned: Spawned, signal: NodeJS.Signals = "SIGTERM", graceMs = 5_000): Promise<void> {
  const { child } = spawned;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await spawned.exited;
  clearTimeout(timer);
}
