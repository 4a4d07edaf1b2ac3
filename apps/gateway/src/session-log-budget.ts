// Bounds the log lines one session's refused or dropped frames write. Each such frame wrote a line: a client within
// its frame limit (50/s) sending bad frames on purpose wrote 50 lines a second per socket, for as long as it liked.

/** Lines a session may write per window for one kind of refusal; beyond them only a count is kept. */
export const SESSION_LOG_LINES_PER_WINDOW = 5;
export const SESSION_LOG_WINDOW_MS = 10_000;

interface Spent {
  windowStart: number;
  lines: number;
  leftOut: number;
}

export class SessionLogBudget {
  private readonly spent = new WeakMap<object, Spent>();

  constructor(private readonly now: () => number = Date.now, private readonly linesPerWindow = SESSION_LOG_LINES_PER_WINDOW, private readonly windowMs = SESSION_LOG_WINDOW_MS) {}

  /**
   * Whether `session` may write one more line now: `{ leftOut }` (the lines it was refused since its last one, to log
   * with it) or null (over its budget: counted, not logged).
   */
  take(session: object): { leftOut: number } | null {
    const now = this.now();
    let spent = this.spent.get(session);
    if (!spent || now - spent.windowStart >= this.windowMs) {
      spent = { windowStart: now, lines: 0, leftOut: spent?.leftOut ?? 0 };
      this.spent.set(session, spent);
    }
    if (spent.lines >= this.linesPerWindow) {
      spent.leftOut++;
      return null;
    }
    spent.lines++;
    const leftOut = spent.leftOut;
    spent.leftOut = 0;
    return { leftOut };
  }
}
