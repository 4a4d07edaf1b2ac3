// What the console knows about users and rooms: names by id, private partners, the user's rooms.
import type { Names } from "./format.js";

export class Directory implements Names {
  /** userId → userName of everyone seen: online lists, presence, messages, searches. */
  readonly users = new Map<string, string>();
  /** roomId → name of every room seen; the user's own rooms are in `mine`. */
  readonly rooms = new Map<string, string>();
  /** The rooms the user is in, as far as this console knows (`everyone` aside). */
  readonly mine = new Set<string>();
  /** Users this client exchanged private messages with. */
  readonly partners = new Set<string>();

  constructor(private readonly self: () => string) {}

  get me(): string {
    return this.self();
  }

  /** Remembers a user's name, and a private partner when `partner` is set. */
  saw(userId: string, userName: string | undefined, partner = false): void {
    if (userName) this.users.set(userId, userName);
    if (partner) this.partners.add(userId);
  }

  /** Remembers a room's name; `member`: whether the user is in it (undefined: unchanged). */
  sawRoom(roomId: string, name: string | undefined, member?: boolean): void {
    if (name) this.rooms.set(roomId, name);
    if (member === true) this.mine.add(roomId);
    if (member === false) this.mine.delete(roomId);
  }
}
