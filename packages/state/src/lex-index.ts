// Sorted-set indexes searched by prefix: entries `<sort key>\0<id>` with score 0, read with ZRANGEBYLEX.

/** ZRANGEBYLEX bounds of every entry starting with `prefix` ("" = all). Byte 0xff never occurs in UTF-8. */
export function lexRange(prefix: string): [Buffer | string, Buffer | string] {
  if (!prefix) return ["-", "+"];
  return [Buffer.from(`[${prefix}`), Buffer.concat([Buffer.from(`(${prefix}`), Buffer.from([0xff])])];
}

/** The entry of `id` under `sortKey`. */
export function lexEntry(sortKey: string, id: string): string {
  return `${sortKey}\0${id}`;
}

/** The id of an entry: what follows its last NUL. */
export function entryId(entry: string): string {
  return entry.slice(entry.lastIndexOf("\0") + 1);
}
