// Rooms this user was added to while no tab of theirs heard it (signed out everywhere, or offline): route's list names
// a room this device never listed for the user, and its history says who added them. Told as the live RoomEvent
// is ("ann added you to …", with Open): an empty room that just appeared in the list drew no attention.
import type { CimClient, RoomHistoryEvent, StoredLogin } from "@cim/client";
import { config } from "./config.js";
import { isNewer, type Conversation } from "./conversations.js";
import { isolate } from "./bidi.js";

/** localStorage, followed by the userId: the rooms this device listed for the user (JSON array of roomIds). */
const KNOWN_PREFIX = "cim.knownRooms.";
/** Rooms new to this device whose history is asked at one list (a long absence may bring many; the rest just appear). */
const ARRIVALS_CHECKED = 10;

/** The newest invitation of `me` by someone else among a room's history events (null when none). */
export function addedBy(events: RoomHistoryEvent[], me: string): RoomHistoryEvent | null {
  let newest: RoomHistoryEvent | null = null;
  for (const event of events) {
    if (event.kind !== "invited" || event.userId !== me || !event.by || event.by === me || !event.byName) continue;
    if (!newest || event.ts > newest.ts) newest = event;
  }
  return newest;
}

/** The rooms this device listed for `userId` (null: none recorded, the user's first list on this device). */
function loadKnown(userId: string): Set<string> | null {
  try {
    const raw = localStorage.getItem(KNOWN_PREFIX + userId);
    if (raw === null) return null;
    const value = JSON.parse(raw) as unknown;
    return new Set(Array.isArray(value) ? value.filter((key): key is string => typeof key === "string") : []);
  } catch {
    return null;
  }
}

function saveKnown(userId: string, rooms: Set<string>): void {
  try {
    localStorage.setItem(KNOWN_PREFIX + userId, JSON.stringify([...rooms]));
  } catch (error) {
    console.warn("could not keep the rooms listed on this device", error);
  }
}

/** The account was deleted: nothing of it stays on the device. */
export function forgetKnownRooms(userId: string): void {
  try {
    localStorage.removeItem(KNOWN_PREFIX + userId);
  } catch {
    // Nothing was kept.
  }
}

export interface RoomArrivalsDeps {
  client: () => CimClient | null;
  me: () => StoredLogin | null;
  /** The conversations listed now (route's list applied). */
  rooms: () => Conversation[];
  /** Shows "ann added you to …" for room `roomId`, as the live RoomEvent does. */
  tell: (text: string, roomId: string) => void;
}

export class RoomArrivals {
  /** Rooms this page told route were opened (once each: an invitation heard since asks again). */
  private readonly markedOpened = new Set<string>();

  constructor(private readonly deps: RoomArrivalsDeps) {}

  /**
   * The user opened room `roomId` here: route keeps its newest event as seen (`eventsSeen`), so the user's other
   * devices, a new one's first list included, do not tell the invitation to it as news. An empty room has no message
   * to read past the invitation: its read position could not say the room was seen, and every new device told it.
   */
  opened(roomId: string): void {
    const client = this.deps.client();
    if (!client || this.markedOpened.has(roomId)) return;
    this.markedOpened.add(roomId);
    client.roomOpened(roomId).catch((error: unknown) => {
      this.markedOpened.delete(roomId);
      console.warn(`could not note room ${roomId} as opened: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** A RoomEvent of this user's own membership was heard live (it says so itself): the room is no news at the next list. */
  heard(roomId: string): void {
    // Added again (after a leave): opening it is news to route again.
    this.markedOpened.delete(roomId);
    const me = this.deps.me();
    const known = me && loadKnown(me.userId);
    if (!me || !known) return;
    known.add(roomId);
    saveKnown(me.userId, known);
  }

  /**
   * Route's list was applied (`dropped`: the rooms it no longer names): rooms this device never listed for the user
   * are looked up in their history, and the newest invitation by someone else not read since (on any device) is told.
   */
  listed(dropped: Array<{ key: string }>): void {
    const me = this.deps.me();
    if (!me) return;
    const rooms = this.deps.rooms().filter((conversation) => conversation.kind === "room");
    const known = loadKnown(me.userId);
    const next = new Set([...(known ?? []), ...rooms.map((room) => room.key)]);
    for (const room of dropped) next.delete(room.key);
    saveKnown(me.userId, next);
    // The user's first list here (nothing recorded): every room is new to this device, and those added by someone
    // else and not read since on any device are news; `check` tells them apart.
    const arrived = rooms.filter((room) => !known?.has(room.key)).slice(0, ARRIVALS_CHECKED);
    if (arrived.length > 0) void this.check(arrived, me.userId);
  }

  private async check(arrived: Conversation[], me: string): Promise<void> {
    const client = this.deps.client();
    if (!client) return;
    const news: RoomArrival[] = [];
    for (const room of arrived) {
      let events: RoomHistoryEvent[];
      try {
        ({ events } = await client.historyPage({ room: room.key, limit: config.previewPageSize }));
      } catch (error) {
        console.warn(`could not tell who added you to room ${room.key}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (this.deps.client() !== client) return;
      const event = addedBy(events, me);
      // Read past the invitation on some device, or opened since on one (an empty room): the user has seen the room.
      if (!event || isNewer(room.readUpTo, event.after) || (room.eventsSeen ?? 0) >= event.ts) continue;
      news.push({ byName: event.byName ?? "", title: room.title, roomId: room.key, ts: event.ts });
    }
    const told = arrivalsText(news);
    if (told) this.deps.tell(told.text, told.roomId);
  }
}

/** A room this user was added to while away: by whom, its title, when. */
export interface RoomArrival {
  byName: string;
  title: string;
  roomId: string;
  ts: number;
}

/**
 * One line for every room added while away, oldest first ("ann added you to Plans", "ann added you to Plans and
 * Trips", "ann added you to Plans, and bob to Trips"), and the newest room, which its Open opens (null: none).
 */
export function arrivalsText(arrivals: RoomArrival[]): { text: string; roomId: string } | null {
  if (arrivals.length === 0) return null;
  const sorted = [...arrivals].sort((a, b) => a.ts - b.ts);
  const byAdder = new Map<string, string[]>();
  for (const arrival of sorted) byAdder.set(arrival.byName, [...(byAdder.get(arrival.byName) ?? []), arrival.title]);
  const parts = [...byAdder].map(([byName, titles], i) => (i === 0 ? `${isolate(byName)} added you to ${listWords(titles)}` : `${isolate(byName)} to ${listWords(titles)}`));
  return { text: parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")}, and ${parts[parts.length - 1]!}`, roomId: sorted[sorted.length - 1]!.roomId };
}

/** "Plans", "Plans and Trips", "Plans, Trips and Work" (each name isolated). */
function listWords(titles: string[]): string {
  const names = titles.map(isolate);
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]!}`;
}
