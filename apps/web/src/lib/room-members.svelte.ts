// The member list shown for one room: loaded from route, reloaded on membership events, online state from presence.
import type { Presence, UserEntry } from "@cim/client";
import { EVERYONE_ROOM } from "./conversations.js";

export class RoomMembers {
  /** The room whose members are shown; "" when the list is closed. */
  roomId = $state("");
  list = $state<UserEntry[]>([]);
  loading = $state(false);
  error = $state("");
  /** Online members first, then by name. */
  sorted = $derived([...this.list].sort((a, b) => Number(b.online) - Number(a.online) || a.userName.localeCompare(b.userName)));

  private requests = 0;

  constructor(
    private readonly load: (roomId: string) => Promise<UserEntry[]>,
    private readonly describe: (error: unknown) => string,
  ) {}

  show(roomId: string): void {
    this.roomId = roomId;
    this.list = [];
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
    else if (!member) this.list.push({ userId: presence.userId, userName: presence.userName, online: true });
  }

  private async reload(): Promise<void> {
    const roomId = this.roomId;
    const request = ++this.requests;
    this.loading = true;
    this.error = "";
    try {
      const members = await this.load(roomId);
      if (request === this.requests) this.list = members;
    } catch (error) {
      if (request === this.requests) this.error = this.describe(error);
    } finally {
      if (request === this.requests) this.loading = false;
    }
  }
}
