// Reactions: which strings are an emoji a user may react with.

/** Longest reaction, in UTF-16 code units (a family or flag emoji with modifiers fits). */
export const MAX_REACTION_LENGTH = 16;

/** What an emoji is made of: pictographs, flags' regional indicators, keycap parts, modifiers and joiners. */
const EMOJI_PARTS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f|\u20e3)+$/u;
/** At least one part that is a picture (digits and '#' alone are emoji components, not emoji). */
const PICTURE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * True for one emoji (a single grapheme cluster of emoji parts, at most MAX_REACTION_LENGTH UTF-16 units): what
 * `Send.reaction` may hold besides "" (take back). Control characters, text and several emoji are refused.
 */
export function isReaction(value: string): boolean {
  if (value.length === 0 || value.length > MAX_REACTION_LENGTH) return false;
  if (!EMOJI_PARTS.test(value) || !PICTURE.test(value)) return false;
  const clusters = segmenter.segment(value)[Symbol.iterator]();
  clusters.next();
  return clusters.next().done === true;
}
