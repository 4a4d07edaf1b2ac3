// Room changes told to every gateway on the bus: members' sessions start or stop reading the room, and show it.
import type { ClusterMessage, Room } from "@cim/state";
import type { Services } from "./context.js";

type RoomEvent = Extract<ClusterMessage, { type: "room" }>;

/** `after`: where a new member's sessions start reading the room (see `Joined`); `by`: who made the change. */
export function announceRoom(s: Pick<Services, "bus">, room: Room, who: { userId: string; userName: string }, kind: RoomEvent["kind"], after?: string, by?: { userId: string; userName?: string }): Promise<void> {
  return s.bus.toAll({
    type: "room", room: room.roomId, name: room.name, userId: who.userId, userName: who.userName, kind, ...(after === undefined ? {} : { after }),
    ...(by === undefined ? {} : { by: by.userId }), ...(by?.userName === undefined ? {} : { byName: by.userName }),
  });
}
