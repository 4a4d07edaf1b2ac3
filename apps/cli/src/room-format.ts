// Formats the room lines of the console: room lists, the directory, members, users found, membership changes.
import type { MyRoom, PublicRoom, RoomEvent, UserEntry } from "@cim/client";
import { roomLabel, targetLabel, utcTime, who, type Names } from "./format.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const startingWith = (prefix: string) => (prefix ? ` with a name starting with "${prefix}"` : "");
const online = (user: UserEntry) => `  ${who(user.userName, user.userId)}${user.online ? " (online)" : ""}`;

/** `:rooms`: `#r3 lunch (private, 2 unread)`, sorted by name. */
export function formatRooms(rooms: MyRoom[]): string[] {
  const sorted = [...rooms].sort((a, b) => a.name.localeCompare(b.name));
  const line = (r: MyRoom) => `  #${r.roomId} ${r.name} (${r.visibility}${r.unread ? `, ${r.unread}${r.unread >= 1000 ? "+" : ""} unread` : ""})`;
  return [`you are in ${plural(sorted.length, "room")}${sorted.length ? ":" : ""}`, ...sorted.map(line)];
}

/** `:public [prefix]`: `#r3 lunch (4 members)`. */
export function formatPublicRooms(rooms: PublicRoom[], prefix: string): string[] {
  const head = `${plural(rooms.length, "public room")}${startingWith(prefix)}${rooms.length ? ":" : ""}`;
  return [head, ...rooms.map((r) => `  #${r.roomId} ${r.name} (${plural(r.members, "member")})`)];
}

/** `:members <roomId>`. */
/**
 * `:members r3 [start]`: one page of a room's members (route's name order; sorted for reading), with the count of all
 * (or of those whose name starts with `prefix`) and how to see others when the page does not hold them all.
 */
export function formatMembers(roomId: string, page: { members: UserEntry[]; count: number }, names: Names, prefix = ""): string[] {
  const sorted = [...page.members].sort((a, b) => a.userName.localeCompare(b.userName));
  const some = sorted.length < page.count ? `, the first ${sorted.length} by name (:members ${roomId} <start of a name> finds others)` : "";
  return [`${plural(page.count, "member")} of ${roomLabel(roomId, names)}${startingWith(prefix)}${some}${sorted.length ? ":" : ""}`, ...sorted.map(online)];
}

/** `:users <prefix>`: any user, online or not; an offline one with when it was last online, when known. */
export function formatFoundUsers(users: Array<UserEntry & { lastSeen?: number }>, prefix: string): string[] {
  const line = (user: UserEntry & { lastSeen?: number }) => (!user.online && user.lastSeen ? `${online(user)} (last seen ${utcTime(user.lastSeen)} UTC)` : online(user));
  return [`${plural(users.length, "user")}${startingWith(prefix)}${users.length ? ":" : ""}`, ...users.map(line)];
}

/** A membership change: `* bob(2) joined #r3 lunch`, `* you were added to #r3 lunch by ann(1)`, `* bob(2) was removed from #r3 lunch by ann(1)`. */
export function formatRoomEvent(event: RoomEvent, names: Names): string {
  const room = roomLabel(event.room, { rooms: new Map([[event.room, event.name || names.rooms.get(event.room) || ""]]) });
  const me = event.userId === names.me;
  const subject = me ? "you" : who(event.userName, event.userId);
  const by = event.byName && event.by ? ` by ${event.by === names.me ? "you" : who(event.byName, event.by)}` : "";
  if (event.kind === "invited") return `* ${subject} ${me ? "were" : "was"} added to ${room}${by}`;
  // Removed by the owner (`by` names it; its name since route sends one).
  if (event.kind === "left" && by && event.by !== event.userId) return `* ${subject} ${me ? "were" : "was"} removed from ${room}${by}`;
  if (event.kind === "joined" || event.kind === "left") return `* ${subject} ${event.kind} ${room}`;
  return `* ${subject}: ${event.kind} in ${room}`;
}

/** After `:to`: where plain lines go now. */
export function formatTarget(roomId: string, names: Names): string {
  return `* plain lines go to ${targetLabel(roomId, names)}`;
}
