// What counts as no text at all: a message of spaces, or of characters that show nothing.

/**
 * Whitespace and default-ignorable code points (zero-width spaces and joiners, U+FEFF, the Hangul fillers U+115F,
 * U+1160 and U+3164, variation selectors, tag characters...): characters a reader sees nothing of. Also the blank
 * braille cell U+2800, a symbol that is neither, shown as a space (the usual "invisible" name and message), and
 * control characters (NUL, escape...), which draw nothing either.
 */
const NOTHING_SHOWN = /^[\s\p{Default_Ignorable_Code_Point}\u2800\p{Cc}]*$/u;

/** True when `text` shows nothing: a message of it is refused as empty (gateway, route and the web app alike). */
export function isBlankText(text: string): boolean {
  return NOTHING_SHOWN.test(text);
}
