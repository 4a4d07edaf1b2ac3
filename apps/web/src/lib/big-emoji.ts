// A message of one to three emoji and nothing else is shown larger, as WhatsApp and Telegram do.

/** Most emoji a message may hold to be shown large. */
export const BIG_EMOJI_MAX = 3;

/**
 * One emoji as a person sees it (a grapheme): one drawn as a picture by default, a symbol asked to be one (U+FE0F),
 * a flag (two regional indicators) or a keycap; skin tones and ZWJ sequences follow their first one. A bare digit,
 * "#", "©" or "™" are text, not emoji, though Unicode's Emoji property names them.
 */
const EMOJI = /^(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3)/u;
const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** True when `text` is one to three emoji, with nothing but spaces between them. */
export function isBigEmoji(text: string): boolean {
  const trimmed = text.trim();
  // Three ZWJ families with skin tones stay under 64 UTF-16 units; anything longer is not a few emoji.
  if (!trimmed || trimmed.length > 64 || !segmenter) return false;
  let count = 0;
  for (const { segment } of segmenter.segment(trimmed)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!EMOJI.test(segment) || ++count > BIG_EMOJI_MAX) return false;
  }
  return count > 0;
}
