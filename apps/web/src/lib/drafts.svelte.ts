// What the user typed and did not send yet, per conversation: switching conversations keeps each one's text, and
// a reload brings it back (lib/view-memory.ts, this tab only; logging out forgets it, and Log out asks first while one holds text). A private chat that has a
// draft and no message yet (route does not list it) comes back under the name it had.
import { kindOf } from "./conversations.js";
import { savedDrafts, saveDrafts, type Draft } from "./view-memory.js";

export class Drafts {
  private drafts = $state<Record<string, Draft>>({});
  private userId = "";

  /** Takes up the drafts this tab kept for `userId` (a reload, or a login). */
  load(userId: string): void {
    if (userId === this.userId) return;
    this.userId = userId;
    this.drafts = savedDrafts(userId);
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
    if (this.userId) saveDrafts(this.userId, $state.snapshot(this.drafts));
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
