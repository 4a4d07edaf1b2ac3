import { describe, expect, it, vi } from "vitest";
import { Lexer } from "marked";
import { MAX_MARKS, parseRichText, plainText, safeHref, type RichBlock } from "./rich-text.js";

const paragraph = (...children: unknown[]) => ({ kind: "paragraph", children }) as RichBlock;
const text = (value: string) => ({ kind: "text", text: value });

describe("parseRichText", () => {
  it("reads bold, italic, strike, inline code and line breaks", () => {
    expect(parseRichText("**b** _i_ ~~s~~ `a<b>`\nnext")).toEqual([
      paragraph({ kind: "strong", children: [text("b")] }, text(" "), { kind: "em", children: [text("i")] }, text(" "), { kind: "del", children: [text("s")] }, text(" "), { kind: "code", text: "a<b>" }, { kind: "br" }, text("next")),
    ]);
  });

  it("turns bare URLs, www. names and markdown links into http(s) links", () => {
    expect(parseRichText("see https://example.com/a?b=1&c=2 or www.example.org")).toEqual([
      paragraph(text("see "), { kind: "link", href: "https://example.com/a?b=1&c=2", children: [text("https://example.com/a?b=1&c=2")] }, text(" or "), { kind: "link", href: "http://www.example.org/", children: [text("www.example.org")] }),
    ]);
    expect(parseRichText("[docs](https://example.com)")).toEqual([paragraph({ kind: "link", href: "https://example.com/", children: [text("docs")], host: "example.com" })]);
  });

  // Found by sec13: a markdown link read as one address and opened another, with nothing on the page to tell.
  it("shows where a link leads when its text names another place, or the host is in look-alike letters", () => {
    const link = (markdown: string) => parseRichText(markdown)[0]!.kind === "paragraph" ? (parseRichText(markdown)[0] as { children: Array<{ host?: string }> }).children[0]!.host : "no paragraph";
    expect(link("[https://bank.example/login](https://evil.example/x)")).toBe("evil.example");
    expect(link("[bank.example](https://evil.example)")).toBe("evil.example");
    expect(link("[click here](https://evil.example:8443/)")).toBe("evil.example:8443");
    expect(link("[mail me](mailto:ann@evil.example)")).toBe("ann@evil.example");
    expect(link("[x](mailto:a%ZZb)")).toBe("a%ZZb"); // a malformed escape is shown as it is, and throws nothing
    expect(link("<mailto:a%E0%A4%A@b.c>")).toBeUndefined(); // its text names it
    expect(link("https://xn--pple-43d.com/")).toBe("xn--pple-43d.com");
    expect(link("[https://аpple.com](https://аpple.com/)")).toBe("xn--pple-43d.com"); // Cyrillic а: not autolinked
    // The text names the place: nothing added.
    for (const same of ["https://example.com/a", "www.example.org", "[EXAMPLE.com/docs](https://example.com/docs)", "[https://example.com](https://example.com/other)", "ann@example.com", "[ann@example.com](mailto:ann@example.com)"]) {
      expect(link(same), same).toBeUndefined();
    }
  });

  // Found by sec13: marked's lexer threw "Maximum call stack size exceeded" on a message of 2,000 nested quotes.
  it("reads a text nested deeper than the lexer can go as one paragraph of text", () => {
    for (const deep of ["> ".repeat(1995) + "@ann deep", "* ".repeat(1333), "1. ".repeat(1333)]) {
      expect(parseRichText(deep)[0]!.kind).toBe("paragraph");
      expect(plainText(deep)).toBe(deep);
    }
    expect(parseRichText("> ".repeat(1995) + "@ann deep")).toEqual([paragraph(text("> ".repeat(1995)), { kind: "mention", text: "@ann", name: "ann", run: "ann" }, text(" deep"))]);
  });

  it("shows a text with more marks than the reader takes in time as typed, without reading it", () => {
    const lex = vi.spyOn(Lexer.prototype, "lex");
    try {
      const slow = ["_a".repeat(2000), "**a".repeat(1300), "> - 1. ".repeat(570), Array.from({ length: 500 }, (_, i) => `${" ".repeat(i % 40)}- x`).join("\n"), "[".repeat(4000)];
      for (const typed of slow) expect(parseRichText(typed), typed.slice(0, 20)).toEqual([paragraph(text(typed))]);
      expect(lex).not.toHaveBeenCalled();
      // Marks inside fenced code do not count: a pasted snippet stays a code block.
      const code = `\`\`\`\n${"if (a[i] < b[j]) { x = y | z; }\n".repeat(40)}\`\`\``;
      expect(parseRichText(code)).toEqual([{ kind: "codeblock", text: "if (a[i] < b[j]) { x = y | z; }\n".repeat(40).trimEnd() }]);
      expect(parseRichText(`a *b* ${"_".repeat(MAX_MARKS - 2)}`)[0]).not.toEqual(paragraph(text(`a *b* ${"_".repeat(MAX_MARKS - 2)}`)));
    } finally {
      lex.mockRestore();
    }
  });

  it("keeps links to other schemes, raw HTML and images as the typed text", () => {
    expect(parseRichText("[x](javascript:alert(1)) <img src=x onerror=alert(1)> <b>hi</b> ![a](https://e.com/i.png)")).toEqual([
      paragraph(text("[x](javascript:alert(1)) <img src=x onerror=alert(1)> <b>hi</b> ![a](https://e.com/i.png)")),
    ]);
    expect(parseRichText("<script>alert(1)</script>")).toEqual([paragraph(text("<script>alert(1)</script>"))]);
  });

  it("reads fenced code blocks as they are, and shows headings and lists as typed", () => {
    expect(parseRichText("look:\n```\nif (a < b) **x**\n```")).toEqual([paragraph(text("look:")), { kind: "codeblock", text: "if (a < b) **x**" }]);
    expect(parseRichText("# title\n- one\n- two")).toEqual([paragraph(text("# title")), paragraph(text("- one\n- two"))]);
  });

  it("keeps plain text and entities exactly", () => {
    expect(parseRichText("a &amp; b \"q\" 2 * 3 = 6")).toEqual([paragraph(text('a &amp; b "q" 2 * 3 = 6'))]);
    expect(parseRichText("שלום עולם")).toEqual([paragraph(text("שלום עולם"))]);
  });
});

describe("safeHref", () => {
  it("allows http, https and mailto only", () => {
    expect(safeHref("https://e.com/x")).toBe("https://e.com/x");
    expect(safeHref("mailto:a@b.co")).toBe("mailto:a@b.co");
    for (const bad of ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "/relative", "vbscript:x"]) expect(safeHref(bad)).toBeNull();
  });
});

describe("mentions in rich text", () => {
  const mention = (name: string) => ({ kind: "mention", text: `@${name}`, name, run: name });

  it("makes @name a mention node in text, also inside bold, with the text around it", () => {
    expect(parseRichText("@Ann see **this @bob.x**.")).toEqual([
      paragraph(mention("Ann"), text(" see "), { kind: "strong", children: [text("this "), mention("bob.x")] }, text(".")),
    ]);
  });

  it("leaves e-mail addresses, links, inline code and HTML around a name as text", () => {
    expect(parseRichText("a@b.c `@ann` <b>@bob</b>")).toEqual([
      paragraph({ kind: "link", href: "mailto:a@b.c", children: [text("a@b.c")] }, text(" "), { kind: "code", text: "@ann" }, text(" <b>"), mention("bob"), text("</b>")),
    ]);
    expect(parseRichText("[@ann](https://example.com)")).toEqual([paragraph({ kind: "link", href: "https://example.com/", children: [text("@ann")], host: "example.com" })]);
    expect(plainText("hi @ann")).toBe("hi @ann");
  });
});

describe("plainText", () => {
  it("keeps what a reader sees and drops the marks: bold, code, links (their text), code blocks; HTML stays text", () => {
    expect(plainText("**bold** and `code` and [the docs](https://example.com/docs)")).toBe("bold and code and the docs");
    expect(plainText("~~gone~~ *it*")).toBe("gone it");
    expect(plainText("```\nconst a = 1;\n```")).toBe("const a = 1;");
    expect(plainText("<b>hi</b>")).toBe("<b>hi</b>");
  });
});
