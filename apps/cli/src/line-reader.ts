// Lines from an input stream as a queue the loop pulls from, plus prompts (a password prompt does not echo on a terminal).
import { createInterface } from "node:readline";
import { Writable, type Readable } from "node:stream";

export interface LineReader {
  /** The next line; null once the input ended (Ctrl-D, end of a pipe, Ctrl-C) or `end()` was called. */
  next(): Promise<string | null>;
  /** Writes `question` and returns the next line; `secret` hides what is typed on a terminal. */
  ask(question: string, options?: { secret?: boolean }): Promise<string | null>;
  /** Ends the input: pending and later `next()` calls return null. */
  end(): void;
}

export function createLineReader(input: Readable & { isTTY?: boolean }, output: Writable): LineReader {
  let muted = false;
  // A terminal readline echoes what is typed through its output; muting that output hides a password.
  const echo = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) output.write(chunk);
      callback();
    },
  });
  const terminal = Boolean(input.isTTY);
  const rl = createInterface({ input, output: echo, terminal });
  const lines: string[] = [];
  const waiters: Array<(line: string | null) => void> = [];
  let ended = false;

  rl.on("line", (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const end = () => {
    if (ended) return;
    ended = true;
    for (const waiter of waiters.splice(0)) waiter(null);
    rl.close();
  };
  rl.on("close", end);
  rl.on("SIGINT", end);

  const next = (): Promise<string | null> => {
    if (lines.length) return Promise.resolve(lines.shift()!);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve) => waiters.push(resolve));
  };

  return {
    next,
    async ask(question, options = {}) {
      output.write(question);
      muted = Boolean(options.secret) && terminal;
      try {
        return await next();
      } finally {
        // Neither a hidden answer nor a piped one was echoed with its line end.
        if (muted || !terminal) output.write("\n");
        muted = false;
      }
    },
    end,
  };
}
