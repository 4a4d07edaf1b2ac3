// Reactions as the web app offers and shows them: the picker's emoji, and the chips under a message.
import { compareIds } from "@cim/protocol";
import type { UiMessage } from "./conversations.js";

/** The emoji the picker offers, with the words a screen reader says for each. */
export const COMMON_REACTIONS = [
  { emoji: "👍", label: "thumbs up" },
  { emoji: "❤️", label: "heart" },
  { emoji: "😂", label: "laughing" },
  { emoji: "😮", label: "surprised" },
  { emoji: "😢", label: "sad" },
  { emoji: "🎉", label: "party" },
] as const;

/** One chip: an emoji, who reacted with it (names, in the order they did), and whether `me` is among them. */
export interface ReactionChip {
  emoji: string;
  count: number;
  names: string[];
  mine: boolean;
}

/**
 * The chips of a message, the emoji used first coming first; none for a deleted message. The reactions of `hidden`
 * users (those `me` blocks, in a room) are left out, as their messages are collapsed: a blocked user's reaction to the
 * blocker's message showed under it, with its name in the chip's title.
 */
export function reactionChips(message: Pick<UiMessage, "reactedBy" | "deleted">, me: string, hidden: (userId: string) => boolean = () => false): ReactionChip[] {
  if (message.deleted) return [];
  const current = (message.reactedBy ?? []).filter((r) => r.emoji && (r.userId === me || !hidden(r.userId))).sort((a, b) => compareIds(a.msgId, b.msgId));
  const chips = new Map<string, ReactionChip>();
  for (const r of current) {
    const chip = chips.get(r.emoji) ?? { emoji: r.emoji, count: 0, names: [], mine: false };
    chip.count++;
    chip.names.push(r.userName);
    chip.mine ||= r.userId === me;
    chips.set(r.emoji, chip);
  }
  return [...chips.values()];
}

/** The emoji `me` reacted with to the message ("" when none). */
export function myReaction(message: Pick<UiMessage, "reactedBy">, me: string): string {
  return message.reactedBy?.find((r) => r.userId === me)?.emoji ?? "";
}

