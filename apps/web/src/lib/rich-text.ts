// Message text as light markdown: marked's lexer reads it, and only an allowlist of its tokens becomes nodes
// (bold, italic, strike, inline code, code blocks, line breaks, http(s)/mailto links). Everything else, raw
// HTML included, stays the text the user typed; `@name` mentions (mentions.ts) outside links and code become nodes. Components render the nodes as elements and text nodes, never
// as HTML, so nothing a user types can become markup.
import { Lexer, type Token, type Tokens } from "marked";
import { findMentions } from "./mentions.js";

export type RichInline =
  | { kind: "text"; text: string }
  | { kind: "strong" | "em" | "del"; children: RichInline[] }
  | { kind: "code"; text: string }
  /** `host`: where it leads (a host, or a mail address), set when its text does not name it: shown beside it. */
  | { kind: "link"; href: string; children: RichInline[]; host?: string }
  /** `@name` as typed (`text`); `name` and `run` as mentions.ts finds them. */
  | { kind: "mention"; text: string; name: string; run: string }
  | { kind: "br" };

export type RichBlock = { kind: "paragraph"; children: RichInline[] } | { kind: "codeblock"; text: string };

/** Link targets that open a page or a mail client; anything else (javascript:, data:, relative) is text. */
const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);

const lexer = () => new Lexer({ gfm: true, breaks: true });

/** A link's href when it is an absolute http(s) or mailto URL, else null. */
export function safeHref(href: string): string | null {
  return safeUrl(href)?.href ?? null;
}

function safeUrl(href: string): URL | null {
  try {
    const url = new URL(href);
    return SAFE_SCHEMES.has(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

/**
 * Where a link leads, when its text does not say it: `[https://bank.example](https://evil.example)` reads as the
 * bank and opens the other site. Also when the host is in look-alike letters (punycode `xn--`: `аpple.com` with a
 * Cyrillic а reads as apple.com). Undefined when the text names the link's own host or mail address.
 */
export function destinationToShow(url: URL, text: string): string | undefined {
  const destination = url.protocol === "mailto:" ? decodedOrAsIs(url.pathname) : url.host;
  const named = url.protocol === "mailto:" ? text.trim().replace(/^mailto:/i, "") : hostNamed(text.trim());
  return named === destination && !/(^|\.)xn--/.test(destination) ? undefined : destination;
}

/** `%`-escapes decoded, or the text as it is when they are malformed (`mailto:a%ZZb` must not throw). */
function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The host a link's text names (`example.com/a`, `https://example.com`), or null when it names none. */
function hostNamed(text: string): string | null {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`).host;
  } catch {
    return null;
  }
}

/**
 * Marks past which a text is not given to marked at all. Its reader takes time that grows faster than the text with
 * some runs of marks: within a message's 4,000 characters, "_a" 2,000 times took 100 ms, "**a" 1,300 times 30 ms, a
 * list of 500 items indented in turn 80-130 ms, and "> " or "1. " nested 1,300 deep 130-150 ms before overflowing the
 * stack. A page of such messages cost every reader seconds. Ordinary messages hold a few dozen marks at most.
 */
export const MAX_MARKS = 300;
const INLINE_MARKS = new Set(["*", "_", "~", "`", "[", "]", "<", ">", "|"]);
/** A line that starts a list, quote, heading or table (what nests, or is shown as typed anyway). */
const BLOCK_START = /^[ \t]*(?:[-+*>#|]|\d{1,9}[.)])/gm;

/** The marks of `text` outside fenced code (whose content marked takes as it is), counted up to MAX_MARKS + 1. */
function tooManyMarks(text: string): boolean {
  const outside = text.includes("```") ? text.replace(/```[^]*?```/g, "") : text;
  let marks = outside.match(BLOCK_START)?.length ?? 0;
  for (let i = 0; i < outside.length && marks <= MAX_MARKS; i++) if (INLINE_MARKS.has(outside[i]!)) marks++;
  return marks > MAX_MARKS;
}

/** The text as typed, one paragraph, with its mentions. */
const asTyped = (text: string): RichBlock[] => [{ kind: "paragraph", children: withMentions([{ kind: "text", text }]) }];

/** Parses a message's text into blocks of allowlisted nodes; a text that cannot be read so is one paragraph of text. */
export function parseRichText(text: string): RichBlock[] {
  if (tooManyMarks(text)) return asTyped(text);
  try {
    return parse(text);
  } catch (error) {
    // A throw while a message is drawn empties the whole conversation, for every reader: marked recurses once per
    // level of nesting, and "> > > …" or "* * * …" 1,300 deep (a message holds 4,000 characters) overflowed the stack.
    console.warn(`message text shown as typed: the markdown reader failed (${(error as Error).message})`);
    return asTyped(text);
  }
}

function parse(text: string): RichBlock[] {
  const blocks: RichBlock[] = [];
  for (const token of lexer().lex(text)) {
    if (token.type === "space") continue;
    if (token.type === "code") blocks.push({ kind: "codeblock", text: (token as Tokens.Code).text });
    else if (token.type === "paragraph") blocks.push({ kind: "paragraph", children: withMentions(inline((token as Tokens.Paragraph).tokens)) });
    // Headings, lists, quotes, tables, rules, HTML: shown as typed.
    else blocks.push({ kind: "paragraph", children: withMentions([{ kind: "text", text: token.raw.replace(/\n+$/, "") }]) });
  }
  return blocks;
}

function inline(tokens: Token[] | undefined): RichInline[] {
  const nodes: RichInline[] = [];
  for (const token of tokens ?? []) {
    const node = inlineNode(token);
    const last = nodes.at(-1);
    // Adjacent texts (a refused link, raw HTML between words) read as one.
    if (node.kind === "text" && last?.kind === "text") last.text += node.text;
    else nodes.push(node);
  }
  return nodes;
}

function inlineNode(token: Token): RichInline {
  switch (token.type) {
    case "strong":
    case "em":
    case "del":
      return { kind: token.type, children: inline((token as Tokens.Strong).tokens) };
    case "codespan":
      return { kind: "code", text: (token as Tokens.Codespan).text };
    case "br":
      return { kind: "br" };
    case "link": {
      const url = safeUrl((token as Tokens.Link).href);
      if (!url) return { kind: "text", text: token.raw };
      const children = inline((token as Tokens.Link).tokens);
      const host = destinationToShow(url, inlineText(children));
      return host === undefined ? { kind: "link", href: url.href, children } : { kind: "link", href: url.href, children, host };
    }
    case "text":
    case "escape":
      return { kind: "text", text: (token as Tokens.Text | Tokens.Escape).text };
    default:
      // Raw HTML, images and the rest: the characters the user typed.
      return { kind: "text", text: token.raw };
  }
}

/** Text nodes split around their mentions; a link's text stays whole. */
function withMentions(nodes: RichInline[]): RichInline[] {
  return nodes.flatMap((node): RichInline[] => {
    if (node.kind === "strong" || node.kind === "em" || node.kind === "del") return [{ kind: node.kind, children: withMentions(node.children) }];
    if (node.kind !== "text") return [node];
    const parts: RichInline[] = [];
    let at = 0;
    for (const mention of findMentions(node.text)) {
      if (mention.start > at) parts.push({ kind: "text", text: node.text.slice(at, mention.start) });
      parts.push({ kind: "mention", text: node.text.slice(mention.start, mention.end), name: mention.name, run: mention.run });
      at = mention.end;
    }
    if (at < node.text.length) parts.push({ kind: "text", text: node.text.slice(at) });
    return parts;
  });
}

/** The text a reader sees, without markdown's marks (`**a**` is "a", a link its text): for one-line previews. */
export function plainText(text: string): string {
  return parseRichText(text).map((block) => (block.kind === "codeblock" ? block.text : inlineText(block.children))).join("\n");
}

function inlineText(nodes: RichInline[]): string {
  return nodes.map((node) => (node.kind === "text" || node.kind === "code" || node.kind === "mention" ? node.text : node.kind === "br" ? "\n" : inlineText(node.children))).join("");
}
