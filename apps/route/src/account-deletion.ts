// Deleting an account at its user's request: out of every room and block, out of the directory, its record and
// own keys gone, its sessions closed. Messages it sent stay in their conversations, under the name they carried.
import type { Services } from "./context.js";
import { announceRoom } from "./room-announce.js";
import { nameKey } from "./user-names.js";

type DeletionServices = Pick<Services, "accounts" | "blocks" | "bus" | "log" | "rooms" | "users">;

/**
 * The steps that leave traces with others come first, and each can be done again: a request that fails in the
 * middle (Redis gone) answers 503, and its retry, still with a valid token, finishes them. Only then is the
 * record deleted, which ends every login of the user (a gateway refuses a token whose account is gone, and closes
 * its sockets with 4401 when told to check them).
 */
export async function deleteAccount(s: DeletionServices, who: { userId: string; userName: string }): Promise<void> {
  const { userId } = who;
  for (const roomId of await s.rooms.roomsOf(userId)) {
    const room = await s.rooms.get(roomId);
    if (!room) continue;
    // Its members see the user leave, as after a leave (its quiet copy on the room's channel in the leave's script);
    // an owner leaves too (the room stays, as when it leaves).
    const quiet = { type: "room" as const, room: roomId, name: room.name, userId, userName: who.userName, kind: "left" as const, quiet: true };
    if (await s.rooms.leave(roomId, userId, { userName: who.userName }, quiet)) await announceRoom(s, room, who, "left");
  }
  // Blocks either way end: a block on nobody would still refuse a send to the id as blocked, not as unknown.
  for (const peer of await s.blocks.hiddenFrom(userId)) {
    await s.blocks.unblock(userId, peer);
    const { order } = await s.blocks.unblock(peer, userId);
    // As after an unblock: the peer's open tabs take the user out of their blocked list (BlockEvent) at once.
    await s.bus.toUser(peer, { type: "block", userId: peer, peer: userId, peerName: who.userName, blocked: false, order });
  }
  await s.users.remove(userId, nameKey(who.userName));
  await s.accounts.remove(userId);
  // Sends to it are refused as unknown_recipient from now on: route's MessageStore remembers no account
  // (accountKnownMs 0), so every route process asks Redis at each send.
  // Every gateway forgets the account at once (sends to it refused), and each holding the user closes its sockets
  // (4401, reason ACCOUNT_DELETED). A lost message leaves a gateway taking sends to it for ACCOUNT_KNOWN_MS at most.
  await s.bus.toAll({ type: "kick", userId, keepConnection: "", accountGone: true })
    .catch((error: unknown) => s.log.error({ err: error, userId }, "telling gateways to close a deleted account's sessions failed"));
}
