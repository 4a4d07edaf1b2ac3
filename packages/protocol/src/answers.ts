// Shapes of route's JSON answers that route builds (through @cim/state) and clients read (the SDK): written once,
// here, so the two cannot drift (docs/CONTRACT.md describes them).

/**
 * A conversation's newest message (not an event) as it reads now, for a list's preview (`last` of
 * GET /api/conversations): `text` after its newest edit, cut to 200 characters, "" when deleted.
 */
export interface MessagePreview {
  msgId: string;
  from: string;
  fromName: string;
  to: string;
  room: string;
  text: string;
  ts: number;
  edited: boolean;
  deleted: boolean;
}

/**
 * Something that happened to a room itself (`events` of GET /api/history), shown after the message `after` ("0":
 * before every message): `renamed` to `name` by `userId`; `joined` or `left` by `userId` (`left` with `by`: the
 * owner `by` removed it); `invited`: the member `by` added `userId`. `name` is "" but for renames; `by` and `byName`
 * are set only as said. `ts`: milliseconds since the epoch. A client meeting a kind it does not know shows nothing.
 */
export interface RoomHistoryEvent {
  kind: "renamed" | "joined" | "left" | "invited";
  name: string;
  userId: string;
  userName: string;
  by?: string;
  byName?: string;
  after: string;
  ts: number;
}
