// Which invisible code points a room name may hold: those that change how the name shows, where they do.
// User names refuse every default-ignorable code point (they are letters and digits only); room names are free
// text with emoji and scripts that need joiners, so only the uses that show nothing are refused.

const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const LETTER = /^\p{L}$/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
/** Scripts whose letters join or form conjuncts, where ZWNJ changes the shapes shown (Persian "می‌خواهم"). */
const ZWNJ_SCRIPTS = /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}]$/u;
const ZWJ = "\u200D";
const ZWNJ = "\u200C";
/** LRM, RLM, ALM: they order neutral characters (spaces, digits, punctuation) and do nothing between two letters. */
const DIRECTION_MARKS = new Set(["\u200E", "\u200F", "\u061C"]);
/** Variation selectors (emoji, CJK, Mongolian): one may follow a visible character. */
const SELECTOR = /^[\uFE00-\uFE0F\u180B-\u180D\u180F\u{E0100}-\u{E01EF}]$/u;
/** Ideographic variation selectors choose a Han glyph; after anything else they show nothing. */
const IDEOGRAPHIC_SELECTOR = /^[\u{E0100}-\u{E01EF}]$/u;
const HAN = /^\p{Script=Han}$/u;
/** What a ZWJ may follow: an emoji (a pictograph, a skin tone, VS16) or a letter or mark of a script it joins. */
const ZWJ_AFTER = /^(?:[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}]|\uFE0F)$/u;
const BLACK_FLAG = "\u{1F3F4}";
const TAG = /^[\u{E0020}-\u{E007E}]$/u;
const CANCEL_TAG = "\u{E007F}";

/** The letter (its base, marks skipped) before position `i`, or undefined. */
function letterBefore(chars: string[], i: number): string | undefined {
  let j = i - 1;
  while (j >= 0 && LETTER_OR_MARK.test(chars[j]!) && !LETTER.test(chars[j]!)) j--;
  return j >= 0 && LETTER.test(chars[j]!) ? chars[j] : undefined;
}

/** Where a tag sequence starting at `i` (right after 🏴) ends: the index after its cancel tag, or -1 when it is none. */
function tagSequenceEnd(chars: string[], i: number): number {
  let j = i;
  while (j < chars.length && TAG.test(chars[j]!)) j++;
  return j > i && chars[j] === CANCEL_TAG ? j + 1 : -1;
}

/**
 * Why `name` may not name a room, for its invisible code points, or undefined when it may. ZWJ only after an emoji
 * or a letter of a joining or Indic script; ZWNJ only between two letters, the first of a joining or Indic script; a direction mark never between
 * two letters; a variation selector only right after a visible character (an ideographic one after Han); tag characters only in a flag's tag
 * sequence (🏴 + tags + cancel tag); any other default-ignorable code point (Hangul fillers, soft hyphen, the
 * combining grapheme joiner, ...) never. Each refused use shows nothing, so it made names that read alike but differ,
 * or carried hidden text.
 */
export function invisibleInRoomName(name: string): string | undefined {
  const chars = [...name];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === BLACK_FLAG) {
      const end = tagSequenceEnd(chars, i + 1);
      if (end > 0) i = end - 1;
      continue;
    }
    if (TAG.test(c) || c === CANCEL_TAG) return "name may hold tag characters only in a flag's tag sequence";
    if (SELECTOR.test(c)) {
      const before = chars[i - 1];
      if (before === undefined || SELECTOR.test(before) || DEFAULT_IGNORABLE.test(before) || /^\s$/u.test(before)) return "name may hold a variation selector only right after a visible character";
      if (IDEOGRAPHIC_SELECTOR.test(c) && !HAN.test(before)) return "name may hold an ideographic variation selector only after a Han character";
      continue;
    }
    if (!DEFAULT_IGNORABLE.test(c)) continue;
    if (c === ZWJ) {
      const before = chars[i - 1];
      const joins = before !== undefined && (ZWJ_AFTER.test(before) || (LETTER_OR_MARK.test(before) && ZWNJ_SCRIPTS.test(letterBefore(chars, i) ?? "")));
      if (joins) continue;
      return "name may hold ZWJ only after an emoji or a letter of a script it joins";
    }
    const after = chars[i + 1];
    const letterAfter = after !== undefined && LETTER_OR_MARK.test(after);
    if (c === ZWNJ) {
      const letter = letterBefore(chars, i);
      if (letter !== undefined && ZWNJ_SCRIPTS.test(letter) && letterAfter) continue;
      return "name may hold ZWNJ only between letters of a script it joins";
    }
    if (DIRECTION_MARKS.has(c)) {
      if (letterBefore(chars, i) !== undefined && letterAfter) return "name may not hold a direction mark between two letters";
      continue;
    }
    return "name may not hold invisible characters";
  }
  return undefined;
}
