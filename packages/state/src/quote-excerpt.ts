// What a reply keeps of the message it quotes, so a client that has not loaded that message can show it.
import type { StoredMessage } from "./records.js";

/** The quoted text kept with a reply, in code points; a longer one is cut and ends in "…". */
export const QUOTE_EXCERPT_CHARS = 200;

export type QuoteFields = Required<Pick<StoredMessage, "replyFrom" | "replyFromName" | "replyText">>;

/** The quote of `target` (its text as it is now: "" when deleted) stored with a reply to it. */
export function quoteFields(target: StoredMessage): QuoteFields {
  return { replyFrom: target.from, replyFromName: target.fromName, replyText: quoteExcerpt(target.text) };
}

/** What a quote keeps of `text`: its first QUOTE_EXCERPT_CHARS code points, then "…" when cut. */
export function quoteExcerpt(text: string): string {
  const points = Array.from(text);
  return points.length > QUOTE_EXCERPT_CHARS ? `${points.slice(0, QUOTE_EXCERPT_CHARS).join("")}…` : text;
}
