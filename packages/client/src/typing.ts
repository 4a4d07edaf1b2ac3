// Typing indicators on the client: throttling what this client sends, and who is typing where, lapsing on time.
import type { Typing } from "@cim/protocol";

/** A Typing is sent at most this often per conversation while the user types. */
export const TYPING_SEND_INTERVAL_MS = 3_000;
/** An indicator lapses this long after the last Typing received for it. */
export const TYPING_LAPSE_MS = 5_000;

/** Decides when to send a Typing: the first keystroke at once, then at most once per interval per conversation. */
export class TypingThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = TYPING_SEND_INTERVAL_MS) {}

  /** True when a Typing for `conversation` should go out now (and counts it as sent). */
  due(conversation: string, now: number): boolean {
    const previous = this.last.get(conversation);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.set(conversation, now);
    return true;
  }

  /** The user sent its message: the next keystroke is news again. */
  reset(conversation: string): void {
    this.last.delete(conversation);
  }
}

export interface Typist {
  userId: string;
  userName: string;
}

/** Who is typing in each conversation: a Typing starts or renews an indicator, a message from that user ends it. */
export class TypingState {
  private readonly byConversation = new Map<string, Map<string, Typist & { until: number }>>();

  constructor(private readonly lapseMs = TYPING_LAPSE_MS) {}

  /** A Typing received. */
  typing(event: Typing, now: number): void {
    let typists = this.byConversation.get(event.conversation);
    if (!typists) this.byConversation.set(event.conversation, (typists = new Map()));
    typists.set(event.userId, { userId: event.userId, userName: event.userName, until: now + this.lapseMs });
  }

  /** `userId` sent a message in `conversation`: it stopped typing there. */
  stopped(conversation: string, userId: string): void {
    this.byConversation.get(conversation)?.delete(userId);
  }

  /** Who is typing in `conversation` at `now`, in the order they started; lapsed indicators are dropped. */
  who(conversation: string, now: number): Typist[] {
    const typists = this.byConversation.get(conversation);
    if (!typists) return [];
    for (const [userId, typist] of typists) if (typist.until <= now) typists.delete(userId);
    return [...typists.values()].map(({ userId, userName }) => ({ userId, userName }));
  }

  /** When the next indicator lapses (ms since the epoch, after `now`), or null when none is shown: for a timer. */
  nextLapse(now: number): number | null {
    let next: number | null = null;
    for (const typists of this.byConversation.values()) {
      for (const [userId, { until }] of typists) {
        if (until <= now) typists.delete(userId);
        else if (next === null || until < next) next = until;
      }
    }
    return next;
  }
}

/** "ann is typing…", "ann and bob are typing…", "3 people are typing…", or "" for none. */
export function typingText(typists: readonly Typist[]): string {
  if (typists.length === 0) return "";
  if (typists.length === 1) return `${typists[0]!.userName} is typing…`;
  if (typists.length === 2) return `${typists[0]!.userName} and ${typists[1]!.userName} are typing…`;
  return `${typists.length} people are typing…`;
}
