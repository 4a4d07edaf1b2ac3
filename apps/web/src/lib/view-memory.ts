// What this tab showed, kept across a reload (sessionStorage `cim.view`): the open conversation, per
// conversation where the list was scrolled (a message at its top, or the bottom) and the unsent text typed there,
// and the peers' receipt positions, so cached own messages show "delivered" or "seen" before the gateway tells
// them again; and own messages the gateway has not confirmed yet, sent again after the reload. Logging out forgets it all.

import type { UiMessage } from "./conversations.js";

const KEY = "cim.view";

/**
 * A conversation of the list as the tab left it: a reload lists them all at once (a phone showed only those with
 * cached messages for half a second, then route's list added the others, rooms popping in), route's list corrects.
 */
export interface ListedConversation {
  key: string;
  title: string;
  visibility: "public" | "private" | "";
  owner: string;
  unread: number;
  lastMsgId: string;
  readUpTo: string;
  preview?: UiMessage;
  /** The conversation's first message, once history said there is nothing older (a reload offers no older page then). */
  firstMsgId?: string;
}

/** The message at the top of the visible list and its distance below the list's top edge (px). */
export interface ScrollSpot {
  msgId: string;
  offset: number;
}

interface View {
  userId: string;
  open: string;
  /** The open conversation's title: a private chat with no message yet (route does not list it) comes back by it. */
  openTitle?: string;
  /** null: at the newest message. */
  scroll: Record<string, ScrollSpot | null>;
  /** Peer userId → how far they received and read own messages. */
  receipts?: Record<string, { delivered: string; seen: string }>;
  /** Conversation key → text typed and not sent yet. */
  drafts?: Record<string, Draft>;
  /** Own messages not confirmed yet (written offline, or a reload came first), oldest first. */
  unsent?: Unsent[];
  /** The conversation list when the page was left. */
  listed?: ListedConversation[];
}

/** An own message the gateway has not confirmed: shown as "sending" after a reload and sent again, same clientMsgId. */
export interface Unsent {
  conversationKey: string;
  /** The conversation's title (a private chat route does not list yet comes back by it). */
  title: string;
  clientMsgId: string;
  to: string;
  room: string;
  text: string;
  replyTo: string;
  ts: number;
}

/** Text typed in a conversation and not sent yet, and the conversation's title then. */
export interface Draft {
  text: string;
  title: string;
}

function load(userId: string): View {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as View | null;
    if (value && value.userId === userId && typeof value.open === "string" && typeof value.scroll === "object") return value;
  } catch {
    // unreadable: start afresh
  }
  return { userId, open: "", scroll: {} };
}

function save(view: View): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(view));
  } catch {
    // Storage refused: a reload starts at Everyone, at the bottom.
  }
}

/** The conversation this tab had open ("" when none was saved for this user) and its title then. */
export function savedOpen(userId: string): { key: string; title: string } {
  const view = load(userId);
  return { key: view.open, title: typeof view.openTitle === "string" ? view.openTitle : "" };
}

export function saveOpen(userId: string, key: string, title: string): void {
  save({ ...load(userId), open: key, openTitle: title });
}

/** Where conversation `key` was scrolled: a spot, null (the bottom) or undefined (never saved). */
export function savedScroll(userId: string, key: string): ScrollSpot | null | undefined {
  return load(userId).scroll[key];
}

export function saveScroll(userId: string, key: string, spot: ScrollSpot | null): void {
  const view = load(userId);
  view.scroll[key] = spot;
  save(view);
}

/** The peers' receipt positions saved in this tab. */
export function savedReceipts(userId: string): Record<string, { delivered: string; seen: string }> {
  return load(userId).receipts ?? {};
}

export function saveReceipts(userId: string, receipts: Record<string, { delivered: string; seen: string }>): void {
  save({ ...load(userId), receipts });
}

/** The unsent texts of this tab, by conversation key. */
export function savedDrafts(userId: string): Record<string, Draft> {
  const drafts = load(userId).drafts;
  if (!drafts || typeof drafts !== "object") return {};
  return Object.fromEntries(Object.entries(drafts).filter(([, d]) => typeof d?.text === "string" && typeof d.title === "string"));
}

export function saveDrafts(userId: string, drafts: Record<string, Draft>): void {
  save({ ...load(userId), drafts });
}

export function savedUnsent(userId: string): Unsent[] {
  const unsent = load(userId).unsent;
  return Array.isArray(unsent) ? unsent.filter((u) => typeof u?.clientMsgId === "string" && typeof u.text === "string" && typeof u.conversationKey === "string") : [];
}

export function saveUnsent(userId: string, unsent: Unsent[]): void {
  save({ ...load(userId), unsent });
}

/** The conversation list this tab showed when it was left (none saved: empty). */
export function savedList(userId: string): ListedConversation[] {
  const listed = load(userId).listed;
  return Array.isArray(listed) ? listed.filter((c) => typeof c?.key === "string" && typeof c.title === "string" && typeof c.unread === "number") : [];
}

export function saveList(userId: string, listed: ListedConversation[]): void {
  save({ ...load(userId), listed });
}

export function clearView(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing kept
  }
}
