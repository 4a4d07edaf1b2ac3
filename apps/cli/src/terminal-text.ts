// Text from other users made safe for a terminal: no escape sequences, and no line that passes for another message.

/**
 * C0 and C1 controls but tab and line feed (ESC starts the sequences that clear the screen, retitle the window or
 * move the cursor; CR returns to the line's start, so "hi\r[group] admin(1): ..." printed over the real sender),
 * DEL, and the text-direction overrides and isolates that reorder the rest of the line.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;
/** Lines after a message's first are indented: a line of the text never starts where a message head does. */
const CONTINUATION = "\n    ";

/** `text` as the console prints it: unsafe characters shown as `\uXXXX`, CR LF and CR as new lines, lines indented. */
export function terminalText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\n/g, CONTINUATION);
}
