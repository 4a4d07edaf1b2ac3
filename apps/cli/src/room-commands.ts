// The room commands of the console: list, directory, create, join, leave, invite, members, and where plain lines go.
import type { RoomEvent } from "@cim/client";
import { EVERYONE_ROOM } from "@cim/protocol";
import type { ChatClient, Print } from "./chat-session.js";
import type { Command, Visibility } from "./commands.js";
import type { Directory } from "./directory.js";
import { formatError, roomLabel, who } from "./format.js";
import { formatMembers, formatPublicRooms, formatRoomEvent, formatRooms, formatTarget } from "./room-format.js";
import { lookUpUser } from "./user-lookup.js";

/** Members `:members` prints at once. */
const MEMBERS_SHOWN = 100;

/** Rooms listed by `:public`. */
export const DIRECTORY_LIMIT = 50;

type RoomCommand = Extract<Command, { kind: "rooms" | "publicRooms" | "createRoom" | "join" | "leave" | "invite" | "members" | "target" }>;

export class RoomCommands {
  /** Where plain lines go: `everyone` (the group) or a roomId. */
  private current = EVERYONE_ROOM;
  /** Changes this console made and printed, `roomId:kind:userId`: their RoomEvent is not printed a second time. */
  private readonly expected = new Set<string>();

  constructor(private readonly client: ChatClient, private readonly directory: Directory, private readonly print: Print) {}

  get target(): string {
    return this.current;
  }

  /** Learns the user's rooms and their names (at login); a failure only leaves rooms unnamed. */
  async load(): Promise<void> {
    try {
      for (const room of await this.client.rooms()) this.directory.sawRoom(room.roomId, room.name, true);
    } catch (error) {
      this.print(formatError("rooms unavailable", error));
    }
  }

  run(command: RoomCommand): Promise<void> {
    switch (command.kind) {
      case "rooms":
        return this.list();
      case "publicRooms":
        return this.attempt("public rooms unavailable", async () => {
          const rooms = await this.client.publicRooms(command.prefix, DIRECTORY_LIMIT);
          for (const room of rooms) this.directory.sawRoom(room.roomId, room.name);
          this.print(formatPublicRooms(rooms, command.prefix));
        });
      case "createRoom":
        return this.create(command.name, command.visibility);
      case "join":
        return this.change(command.room, "joined", async () => {
          const room = await this.client.joinRoom(command.room);
          this.directory.sawRoom(room.roomId, room.name);
        });
      case "leave":
        return this.change(command.room, "left", () => this.client.leaveRoom(command.room));
      case "invite":
        return this.invite(command.room, command.user);
      case "members":
        return this.attempt(`members of #${command.room} unavailable`, async () => {
          // One page: a room may hold thousands, and the whole list costs route a read of every member.
          const page = await this.client.memberPage(command.room, { limit: MEMBERS_SHOWN, prefix: command.prefix });
          for (const member of page.members) this.directory.saw(member.userId, member.userName);
          this.print(formatMembers(command.room, page, this.directory, command.prefix));
        });
      case "target":
        return this.retarget(command.room);
    }
  }

  /** A membership change pushed by the gateway: names, the user's rooms, the target; printed unless expected. */
  onRoomEvent(event: RoomEvent): void {
    const mine = event.userId === this.directory.me;
    this.directory.sawRoom(event.room, event.name, mine ? event.kind !== "left" : undefined);
    if (!mine) this.directory.saw(event.userId, event.userName);
    // A change this console made is printed by its command (the event may come before or after route's answer).
    if (this.expected.delete(`${event.room}:${event.kind}:${event.userId}`)) return;
    this.print(formatRoomEvent(event, this.directory));
    if (mine && event.kind === "left" && this.current === event.room) this.retargetGroup();
  }

  private async list(): Promise<void> {
    await this.attempt("rooms unavailable", async () => {
      const rooms = await this.client.rooms();
      for (const room of rooms) this.directory.sawRoom(room.roomId, room.name, true);
      this.print(formatRooms(rooms));
    });
  }

  private async create(name: string, visibility: Visibility): Promise<void> {
    await this.attempt(`could not create ${name}`, async () => {
      const room = await this.client.createRoom(name, visibility);
      // The gateway announces the creator's join too; this line says it already.
      if (!this.directory.mine.has(room.roomId)) this.expected.add(`${room.roomId}:joined:${this.directory.me}`);
      this.directory.sawRoom(room.roomId, room.name, true);
      this.print(`* created ${roomLabel(room.roomId, this.directory)} (${room.visibility}): write to it with #${room.roomId} <text>, or :to ${room.roomId}`);
    });
  }

  private async change(room: string, kind: "joined" | "left", request: () => Promise<void>): Promise<void> {
    const key = `${room}:${kind}:${this.directory.me}`;
    this.expected.add(key);
    try {
      await request();
    } catch (error) {
      this.expected.delete(key);
      this.print(formatError(`could not ${kind === "joined" ? "join" : "leave"} #${room}`, error));
      return;
    }
    this.directory.sawRoom(room, undefined, kind === "joined");
    this.print(`* you ${kind} ${roomLabel(room, this.directory)}`);
    if (kind === "left" && this.current === room) this.retargetGroup();
  }

  private async invite(room: string, userName: string): Promise<void> {
    await this.attempt(`could not add ${userName} to #${room}`, async () => {
      const user = await lookUpUser((prefix, limit) => this.client.users(prefix, limit), userName);
      if (!user) return this.print(`! no user is named ${userName}: nobody added to #${room}`);
      this.directory.saw(user.userId, user.userName);
      const key = `${room}:invited:${user.userId}`;
      this.expected.add(key);
      await this.client.invite(room, user.userId).catch((error: unknown) => {
        this.expected.delete(key);
        throw error;
      });
      this.print(`* added ${who(user.userName, user.userId)} to ${roomLabel(room, this.directory)}`);
    });
  }

  private async retarget(room: string | undefined): Promise<void> {
    if (room === undefined) return this.print(formatTarget(this.current, this.directory));
    if (room !== EVERYONE_ROOM && !this.directory.mine.has(room)) await this.load();
    if (room !== EVERYONE_ROOM && !this.directory.mine.has(room)) {
      return this.print(`! you are not in #${room}: :join ${room} first (:rooms lists yours, :public the open ones)`);
    }
    this.current = room;
    this.print(formatTarget(room, this.directory));
  }

  private retargetGroup(): void {
    this.current = EVERYONE_ROOM;
    this.print(formatTarget(EVERYONE_ROOM, this.directory));
  }

  private async attempt(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.print(formatError(what, error));
    }
  }
}
