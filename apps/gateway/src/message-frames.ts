// Messages as frames: several that go to a session together are one MessageBatch frame (one write), in frames of a
// bounded size. Room fan-outs and replays and private inbox reads use them.
import { encodeFrame } from "@cim/protocol";
import type { StoredMessage, StreamEntry } from "@cim/state";

/** One frame carries at most this many messages or about this many bytes of text. */
const FRAME_MESSAGES = 64;
const FRAME_TEXT_BYTES = 48 * 1024;

/** One message as a Message frame, several as a MessageBatch. */
export function encodeMessages(messages: StoredMessage[]): Uint8Array {
  return messages.length === 1 ? encodeFrame({ kind: "message", body: messages[0]! }) : encodeFrame({ kind: "messageBatch", body: { messages } });
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
