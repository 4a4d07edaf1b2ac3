// `npm start` shows every service's output under its name: each line, not each chunk, gets the `[label] ` prefix.
// A chunk often holds several lines (two log lines written in one turn, Redis's start banner) or ends mid-line.
// Quiet (the default of `npm start`), only the lines an operator must see reach the console: `isProblemLine`.

/** Prefixes whole lines of one stream; what follows the last newline waits for the rest of its line. */
export class LinePrefixer {
  private carry = "";

  /** `keep`: which complete lines to pass on (default all). */
  constructor(
    private readonly label: string,
    private readonly keep: (line: string) => boolean = () => true,
  ) {}

  /** The complete lines of `chunk` (with what was carried), each prefixed; "" when none is complete yet. */
  push(chunk: string): string {
    const text = this.carry + chunk;
    const end = text.lastIndexOf("\n") + 1;
    this.carry = text.slice(end);
    return end ? this.prefix(text.slice(0, end)) : "";
  }

  /** What is left at the stream's end (a last line without a newline), prefixed. */
  flush(): string {
    const rest = this.carry;
    this.carry = "";
    return rest ? this.prefix(`${rest}\n`) : "";
  }

  private prefix(lines: string): string {
    return lines
      .split(/(?<=\n)/)
      .filter((line) => (line === "\n" ? this.keep("") : this.keep(line.replace(/\n$/, ""))))
      .join("")
      .replace(/^(?=.)/gm, `[${this.label}] `);
  }
}

/** pino's level of warn: route's and the gateways' JSON lines at this level or above are problems. */
const PINO_WARN = 40;

/** Redis's lines of its start and stop, logged at level warning (`#`) although nothing is wrong. */
const REDIS_ROUTINE =
  / # (oO0OoO0OoO0Oo Redis is starting|Redis version=|Configuration loaded|Server initialized|User requested shutdown|Redis is now ready to exit)/;

/**
 * Redis's warnings at its start about the host's kernel settings (docs/DEPLOYMENT.md, "The host of a Redis"): they
 * say nothing about CIM and a developer cannot act on them without root, so npm start keeps them in redis.log.
 */
const REDIS_HOST_TUNING = / # WARNING:? (Memory overcommit must be enabled|The TCP backlog setting|you have Transparent Huge Pages)/i;

/**
 * Whether a child's line is a warning or an error, which `npm start` shows on the console even when quiet: a JSON log
 * line of level warn or above (route, gateways); a Redis line of level warning (`pid:role date # text`) other than
 * its start's and stop's routine and its warnings about the host's kernel settings; a
 * ZooKeeper (log4j) line of WARN, ERROR or FATAL; and on stderr anything that is not a JSON line below warn (a
 * crash's stack, Node's own warnings). Everything else (info, Redis's notices, ZooKeeper's INFO) is in the log files.
 */
export function isProblemLine(line: string, fromStderr: boolean): boolean {
  if (line.trim() === "") return false;
  if (line.startsWith("{")) {
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      if (typeof level === "number") return level >= PINO_WARN;
    } catch {
      // not JSON after all: judged below
    }
  }
  if (/^\d+:[XCSM] .+? # /.test(line)) return !REDIS_ROUTINE.test(line) && !REDIS_HOST_TUNING.test(line);
  if (/\b(WARN|ERROR|FATAL)\b/.test(line)) return true;
  return fromStderr;
}
