// What the user typed and did not send yet, per conversation: switching conversations keeps each one's text, and
// a reload brings it back (lib/view-memory.ts, this tab); so does a later login on this device, in a tab opened after
// this one was closed (localStorage `cim.drafts.<userId>`, each conversation's newest text from any tab). Logging out
// forgets them (Log out asks first while one holds text). A private chat that has a draft and no message yet (route
// does not list it) comes back under the name it had.
import { kindOf } from "./conversations.js";
import { savedDrafts, saveDrafts, type Draft } from "./view-memory.js";

const DEVICE_PREFIX = "cim.drafts.";

/** The drafts kept on this device for `userId` (from every tab), valid entries only. */
function deviceDrafts(userId: string): Record<string, Draft> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(DEVICE_PREFIX + userId) ?? "{}");
    if (!value || typeof value !== "object") return {};
    return Object.fromEntries(Object.entries(value as Record<string, Partial<Draft>>).filter(([, d]) => typeof d?.text === "string" && typeof d.title === "string")) as Record<string, Draft>;
  } catch {
    return {};
  }
}

/** Keeps conversation `key`'s draft on this device (`null`: none), leaving the other conversations' as other tabs wrote them. */
function saveDeviceDraft(userId: string, key: string, draft: Draft | null): void {
  const drafts = deviceDrafts(userId);
  if (draft) drafts[key] = draft;
  else delete drafts[key];
  try {
    if (Object.keys(drafts).length > 0) localStorage.setItem(DEVICE_PREFIX + userId, JSON.stringify(drafts));
    else localStorage.removeItem(DEVICE_PREFIX + userId);
  } catch {
    // Storage refused (private mode, full): the tab's own copy still has it.
  }
}

/** Forgets every draft this device keeps for `userId` (a logout, a deleted account). */
export function forgetDeviceDrafts(userId: string): void {
  try {
    localStorage.removeItem(DEVICE_PREFIX + userId);
  } catch {
    // nothing kept
  }
}

export class Drafts {
  private drafts = $state<Record<string, Draft>>({});
  private userId = "";

  /**
   * Takes up the drafts this tab kept for `userId` (a reload, or a login), and those this device keeps for the
   * conversations this tab has none of (typed in a tab closed since, or in another tab).
   */
  load(userId: string): void {
    if (userId === this.userId) return;
    this.userId = userId;
    this.drafts = { ...deviceDrafts(userId), ...savedDrafts(userId) };
  }

  /** The unsent text of conversation `key` ("" when none). */
  get(key: string): string {
    return this.drafts[key]?.text ?? "";
  }

  /** Keeps `text` as the draft of conversation `key` (titled `title`); "" drops it. */
  set(key: string, text: string, title = ""): void {
    if (this.get(key) === text) return;
    if (text) this.drafts[key] = { text, title };
    else delete this.drafts[key];
    if (!this.userId) return;
    saveDrafts(this.userId, $state.snapshot(this.drafts));
    saveDeviceDraft(this.userId, key, text ? { text, title } : null);
  }

  /** How many conversations hold a draft with more than spaces in it: what a logout would drop. */
  count(): number {
    return Object.values(this.drafts).filter((draft) => draft.text.trim() !== "").length;
  }

  /** The private chats that have a draft: peer userId and the chat's title when it was typed. */
  privateChats(): Array<{ userId: string; title: string }> {
    return Object.entries(this.drafts).filter(([key]) => kindOf(key) === "private").map(([userId, draft]) => ({ userId, title: draft.title }));
  }

  /** Signed out: nothing kept. */
  reset(): void {
    this.userId = "";
    this.drafts = {};
  }
}
