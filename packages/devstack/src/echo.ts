// `npm start` shows every service's output under its name: each line, not each chunk, gets the `[label] ` prefix.
// A chunk often holds several lines (two log lines written in one turn, Redis's start banner) or ends mid-line.

/** Prefixes whole lines of one stream; what follows the last newline waits for the rest of its line. */
export class LinePrefixer {
  private carry = "";

  constructor(private readonly label: string) {}

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
    return lines.replace(/^(?=.)/gm, `[${this.label}] `);
  }
}
