// The one order of rooms by name: the public directory's, and a user's own list.
import { lexEntry } from "./lex-index.js";

/** The directory's sort key of a room name: compatibility forms folded, lowercase. */
export function roomNameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/**
 * The one order of rooms by name, the public directory's: its index entries (`<name key>\0<roomId>`) in Redis's
 * byte order, which is UTF-8's, so code point by code point. A user's own list sorts with it too (it used
 * localeCompare, so "Älpha" came before "beta" there and after "zeta" in the directory).
 */
export function compareRoomsByName(a: { roomId: string; name: string }, b: { roomId: string; name: string }): number {
  return Buffer.compare(Buffer.from(lexEntry(roomNameKey(a.name), a.roomId)), Buffer.from(lexEntry(roomNameKey(b.name), b.roomId)));
}
