// The member list shown for one room: loaded from route, reloaded on membership events, online state from presence.
// Everyone's members are every user: its list is a page of the users online, by name, asked for by the start of
// their names (a mention being typed), never the whole online list, which is megabytes on a large system.
import type { Presence, UserEntry } from "@cim/client";
import { EVERYONE_ROOM } from "./conversations.js";

/** Everyone's online users listed at most, by name; the others are found by the start of their names. */
export const EVERYONE_SHOWN = 50;

/** A room's members as loaded: the list, and how many there are (Everyone: users online, most of them not listed). */
export interface MembersPage {
  members: UserEntry[];
  count: number;
}

export class RoomMembers {
  /** The room whose members are shown; "" when the list is closed. */
  roomId = $state("");
  list = $state<UserEntry[]>([]);
  /** How many members the room has (Everyone: users online when the list was loaded). */
  count = $state(0);
  loading = $state(false);
  error = $state("");
  /** Online members first, then by name. */
  sorted = $derived([...this.list].sort((a, b) => Number(b.online) - Number(a.online) || a.userName.localeCompare(b.userName)));

  /** Everyone's list: the start of the names it holds ("" the first names). */
  private prefix = "";
  private requests = 0;

  constructor(
    private readonly load: (roomId: string, prefix: string) => Promise<MembersPage>,
    private readonly describe: (error: unknown) => string,
  ) {}

  show(roomId: string): void {
    this.roomId = roomId;
    this.prefix = "";
    this.list = [];
    void this.reload();
  }

  /**
   * A mention is being typed in `roomId`: its members are asked for again (each "@" started), Everyone's by the start
   * of the name typed (`query`) as it changes. The list shown meanwhile stays.
   */
  mention(roomId: string, query: string): void {
    const prefix = roomId === EVERYONE_ROOM ? query : "";
    if (roomId !== this.roomId) this.list = [];
    this.roomId = roomId;
    this.prefix = prefix;
    void this.reload();
  }

  hide(): void {
    this.roomId = "";
    this.list = [];
    this.error = "";
    this.requests++;
  }

  /** Someone joined, left or was invited to `roomId`: the list is asked for again when it shows that room. */
  changed(roomId: string): void {
    if (roomId === this.roomId) void this.reload();
  }

  /** Keeps the online marks current; Everyone's list (its online members) gains and loses users. */
  presence(presence: Presence): void {
    if (!this.roomId) return;
    const member = this.list.find((m) => m.userId === presence.userId);
    if (member) member.online = presence.online;
    if (this.roomId !== EVERYONE_ROOM) return;
    if (!presence.online) this.list = this.list.filter((m) => m.userId !== presence.userId);
    else if (!member && this.list.length < EVERYONE_SHOWN && presence.userName.toLowerCase().startsWith(this.prefix.toLowerCase())) {
      this.list.push({ userId: presence.userId, userName: presence.userName, online: true });
    }
  }

  private async reload(): Promise<void> {
    const { roomId, prefix } = this;
    const request = ++this.requests;
    this.loading = true;
    this.error = "";
    try {
      const page = await this.load(roomId, prefix);
      if (request !== this.requests) return;
      this.list = page.members;
      this.count = page.count;
    } catch (error) {
      if (request === this.requests) this.error = this.describe(error);
    } finally {
      if (request === this.requests) this.loading = false;
    }
  }
}
