// Messages as frames: several that go to a session together are one MessageBatch frame (one write), in frames of a
// bounded size, for a client that said at Login it takes them; others get one Message frame each (the first
// protocol has no MessageBatch: such a client read none of a batch's messages). Room fan-outs and replays and
// private inbox reads use them.
import { encodeFrame } from "@cim/protocol";
import type { StoredMessage, StreamEntry } from "@cim/state";
import type { Session } from "./session.js";

/** One frame carries at most this many messages or about this many bytes of text. */
const FRAME_MESSAGES = 64;
const FRAME_TEXT_BYTES = 48 * 1024;

/** One message as a Message frame, several as a MessageBatch. */
export function encodeMessages(messages: StoredMessage[]): Uint8Array {
  return messages.length === 1 ? encodeFrame({ kind: "message", body: messages[0]! }) : encodeFrame({ kind: "messageBatch", body: { messages } });
}

/** Each message as its own Message frame: for a session that takes no MessageBatch. */
export function encodeEach(messages: StoredMessage[]): Uint8Array[] {
  return messages.map((message) => encodeFrame({ kind: "message", body: message }));
}

/**
 * Sends `messages` to a session as the frames it takes: one frame (`batch`, the MessageBatch already encoded for
 * several sessions) or one each (`each`, likewise); false when the socket took nothing more (closed or cut off).
 */
export function sendMessages(session: Session, messages: StoredMessage[], batch?: Uint8Array, each?: () => Uint8Array[]): boolean {
  if (session.messageBatches || messages.length === 1) return session.sendBytes(batch ?? encodeMessages(messages));
  for (const bytes of each ? each() : encodeEach(messages)) if (!session.sendBytes(bytes)) return false;
  return true;
}

/** Splits a run of entries into frame-sized chunks. */
export function chunks(entries: StreamEntry[]): StreamEntry[][] {
  const out: StreamEntry[][] = [];
  let current: StreamEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.message.text.length * 3;
    if (current.length >= FRAME_MESSAGES || (current.length > 0 && bytes + size > FRAME_TEXT_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}
