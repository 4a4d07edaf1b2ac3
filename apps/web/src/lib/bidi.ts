// A user's name (or a room's) inside a sentence is isolated, as <bdi> does: a right-to-left name, or one ending in
// "." or "-", else reorders the words around it ("You added .سارة to the room"). Strings carry the Unicode isolates
// (FSI … PDI), which titles, notifications and attributes honour as they are; `Bidi.svelte` draws them as <bdi>.

const FSI = "\u2068";
const PDI = "\u2069";

/** `text` isolated from the sentence around it (first-strong direction, as <bdi> or dir="auto"). */
export function isolate(text: string): string {
  return `${FSI}${text}${PDI}`;
}

export interface BidiPart {
  text: string;
  isolated: boolean;
}

/** The sentence cut at its isolates, for drawing each isolated part as a <bdi> (whose text then has no marks). */
export function bidiParts(text: string): BidiPart[] {
  const parts: BidiPart[] = [];
  let rest = text;
  while (rest) {
    const start = rest.indexOf(FSI);
    const end = start < 0 ? -1 : rest.indexOf(PDI, start + 1);
    if (end < 0) {
      parts.push({ text: rest, isolated: false });
      break;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), isolated: false });
    parts.push({ text: rest.slice(start + 1, end), isolated: true });
    rest = rest.slice(end + 1);
  }
  return parts;
}

/** The sentence without its isolates (for tests and comparisons). */
export function withoutIsolates(text: string): string {
  return text.replaceAll(FSI, "").replaceAll(PDI, "");
}
