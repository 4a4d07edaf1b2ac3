// What a message of a stream reads now, from the edits and deletions read before it newest first: search and the
// conversation list's preview both scan a stream that way.
import type { StoredMessage } from "./records.js";

/** A message as it reads now: `text` after its newest edit, `deleted` once its sender deleted it. */
export interface CurrentText {
  text: string;
  edited: boolean;
  deleted: boolean;
}

/** The edits and deletions met while reading a stream newest first (so the first edit met of a message is its newest). */
export class NewerEvents {
  private readonly deleted = new Set<string>();
  private readonly edits = new Map<string, string>();

  /** Notes `message` when it is an edit or a deletion, and says so; false for a message or a reaction. */
  note(message: StoredMessage): boolean {
    if (!message.editOf) return false;
    if (message.deleted) this.deleted.add(message.editOf);
    else if (!this.edits.has(message.editOf)) this.edits.set(message.editOf, message.text);
    return true;
  }

  /** `message` (older than every event noted) as it reads now. */
  current(message: StoredMessage): CurrentText {
    const edit = this.edits.get(message.msgId);
    return { text: edit ?? message.text, edited: edit !== undefined, deleted: this.deleted.has(message.msgId) };
  }
}
