// Reactions: which strings are an emoji a user may react with.

/** Longest reaction, in UTF-16 code units (a family or flag emoji with modifiers fits). */
export const MAX_REACTION_LENGTH = 16;

/**
 * One emoji as Unicode writes them (UTS #51): a flag (two regional indicators), a subdivision flag (🏴, tag
 * characters, cancel tag), or pictographs joined by single ZWJs, each with at most one VS16 and one skin tone, or
 * a keycap. Nothing repeats: "🙂" followed by extra joiners, selectors, skin tones or invisible tag characters (which
 * carry hidden ASCII) renders as "🙂" but would count as another reaction.
 */
const PICTOGRAPH = String.raw`(?:\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?|[#*0-9]\uFE0F?\u20E3)`;
const EMOJI = new RegExp(String.raw`^(?:\p{Regional_Indicator}{2}|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}|${PICTOGRAPH}(?:\u200D${PICTOGRAPH})*)$`, "u");
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * True for one emoji (a single grapheme cluster of emoji parts, at most MAX_REACTION_LENGTH UTF-16 units): what
 * `Send.reaction` may hold besides "" (take back). Control characters, text and several emoji are refused.
 */
export function isReaction(value: string): boolean {
  if (value.length === 0 || value.length > MAX_REACTION_LENGTH) return false;
  if (!EMOJI.test(value)) return false;
  const clusters = segmenter.segment(value)[Symbol.iterator]();
  clusters.next();
  return clusters.next().done === true;
}
