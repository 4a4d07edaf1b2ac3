// A child's log file under CIM_DEVSTACK_LOG_DIR (npm start: .run/logs): private to its owner and capped in size.
import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Default cap of one log file, in bytes: past it the file becomes `<name>.log.1` (the one before is dropped). */
export const DEFAULT_LOG_MAX_BYTES = 20 * 1024 * 1024;

/** The cap of `CIM_DEVSTACK_LOG_MAX_BYTES` (bytes, at least 4096), else the default. */
export function logMaxBytesFrom(env: NodeJS.ProcessEnv): number {
  const value = Number(env.CIM_DEVSTACK_LOG_MAX_BYTES);
  return Number.isInteger(value) && value >= 4096 ? value : DEFAULT_LOG_MAX_BYTES;
}

/** The file a child's output is appended to under `CIM_DEVSTACK_LOG_DIR`: its label, made a file name. */
export function logFileOf(dir: string, label: string): string {
  return join(dir, `${label.replace(/[^\w.-]+/g, "-")}.log`);
}

/**
 * Appends to `<dir>/<label>.log`, mode 0600 in a folder of mode 0700 (they were 0644 and 0755 by the umask: any
 * local user could read every line the servers log); once the file holds `maxBytes` it is renamed `<label>.log.1`
 * (replacing the one before) and a new one started, so a long `npm start` keeps at most twice the cap per process.
 * Writes are synchronous, so a rename never races a write still queued.
 */
export class LogFile {
  private readonly path: string;
  private fd: number;
  private size: number;
  private failed = false;

  constructor(
    dir: string,
    label: string,
    private readonly maxBytes: number,
    private readonly onError: (message: string) => void,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // a folder made by an earlier version, 0755
    this.path = logFileOf(dir, label);
    this.fd = this.open();
    this.size = fstatSync(this.fd).size;
  }

  private open(): number {
    const fd = openSync(this.path, "a", 0o600);
    chmodSync(this.path, 0o600); // a file made by an earlier version, 0644
    return fd;
  }

  write(chunk: Buffer): void {
    if (this.failed) return;
    try {
      if (this.size > 0 && this.size + chunk.length > this.maxBytes) {
        closeSync(this.fd);
        renameSync(this.path, `${this.path}.1`);
        this.fd = this.open();
        this.size = 0;
      }
      writeSync(this.fd, chunk);
      this.size += chunk.length;
    } catch (error) {
      this.failed = true; // one line, not one per chunk
      this.onError(`cannot write its log file ${this.path}: ${(error as Error).message}`);
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // closed already
    }
  }
}
