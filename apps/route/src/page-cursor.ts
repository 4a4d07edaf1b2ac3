// The opaque cursors of paged lists (members and the online list, conversations, search): base64url of a text only
// route reads, and the query parameter that carries one back.
import { z } from "zod";

/** The cursor of `text`. */
export const pageCursor = (text: string): string => Buffer.from(text).toString("base64url");

/** The text a cursor carries, or undefined when it is none we gave: only our own encoding round-trips (other base64url strings decode to no UTF-8). */
export function cursorText(cursor: string): string | undefined {
  const text = Buffer.from(cursor, "base64url").toString();
  return pageCursor(text) === cursor ? text : undefined;
}

/**
 * `?cursor=`: "" for the first page, else a nextCursor that `read` takes back (anything else is 400 bad_request), at
 * most `maxLength` characters.
 */
export function cursorParam(maxLength: number, read: (cursor: string) => unknown, description?: string) {
  return z.string().max(maxLength, `cursor is at most ${maxLength} characters`)
    .refine((cursor) => cursor === "" || read(cursor) !== undefined, "cursor is the nextCursor of a previous page")
    .meta({ pattern: "^[A-Za-z0-9_-]*$", ...(description ? { description } : {}) }).optional();
}
