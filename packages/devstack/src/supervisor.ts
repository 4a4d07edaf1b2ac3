// Keeps the processes of `npm start` running: one that exits is reported at once and started again with
// full-jitter exponential backoff; a process that ran for a while starts again from the shortest delay.
import type { AppProcess } from "./apps.js";

export interface SupervisorOptions {
  /** Where reports go (one line each). */
  report: (line: string) => void;
  baseMs?: number;
  maxMs?: number;
  /** A process alive this long counts as healthy: its next restart waits the shortest delay again. */
  stableMs?: number;
}

interface Supervised {
  name: string;
  start: () => Promise<AppProcess>;
  current: AppProcess | null;
  attempt: number;
  restarts: number;
  startedAt: number;
}

export class Supervisor {
  private readonly items = new Map<string, Supervised>();
  private stopping = false;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly stableMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.baseMs = options.baseMs ?? 500;
    this.maxMs = options.maxMs ?? 15_000;
    this.stableMs = options.stableMs ?? 30_000;
  }

  /** Starts `name` and keeps it running until stop(). */
  async add(name: string, start: () => Promise<AppProcess>): Promise<AppProcess> {
    const item: Supervised = { name, start, current: null, attempt: 0, restarts: 0, startedAt: 0 };
    this.items.set(name, item);
    await this.launch(item);
    return item.current!;
  }

  /** The live process of `name`, if any. */
  process(name: string): AppProcess | null {
    return this.items.get(name)?.current ?? null;
  }

  /** How many times `name` was started again after exiting. */
  restarts(name: string): number {
    return this.items.get(name)?.restarts ?? 0;
  }

  /** Stops every process, newest first, without restarting any. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const item of [...this.items.values()].reverse()) await item.current?.stop().catch(() => undefined);
  }

  private async launch(item: Supervised): Promise<void> {
    item.current = await item.start();
    item.startedAt = Date.now();
    const launched = item.current;
    void launched.process.exited.then((code) => {
      if (this.stopping || item.current !== launched) return;
      item.current = null;
      if (Date.now() - item.startedAt >= this.stableMs) item.attempt = 0;
      const delay = Math.round(Math.random() * Math.min(this.maxMs, this.baseMs * 2 ** item.attempt++));
      this.options.report(`${item.name} exited (${code === -1 ? "killed by a signal" : `code ${code}`}): starting it again in ${delay} ms`);
      setTimeout(() => void this.restart(item), delay);
    });
  }

  private async restart(item: Supervised): Promise<void> {
    if (this.stopping) return;
    try {
      await this.launch(item);
      item.restarts++;
      this.options.report(`${item.name} is running again (port ${item.current!.port})`);
    } catch (error) {
      const delay = Math.min(this.maxMs, this.baseMs * 2 ** item.attempt++);
      this.options.report(`${item.name} failed to start: ${(error as Error).message.split("\n")[0]}; retrying in ${delay} ms`);
      setTimeout(() => void this.restart(item), delay);
    }
  }
}
