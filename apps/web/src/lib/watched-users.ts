// Whose presence the page asks the gateway for: what is on screen, most important first, at most the protocol's bound.
import { MAX_PRESENCE_SUBSCRIPTIONS } from "@cim/protocol";

export interface OnScreen {
  me: string;
  /** The peer of the open private conversation ("" for a room). */
  activePeer: string;
  /** The members of the room whose member list is shown. */
  members: readonly string[];
  /** The peers of the private conversations in the list. */
  chatPeers: readonly string[];
  /** The users in the online panel. */
  panel: readonly string[];
}

/** The userIds to subscribe: the open chat's peer, the members shown, the chats' peers, the panel; never oneself. */
export function watchedUsers(screen: OnScreen): string[] {
  const ids = new Set<string>();
  for (const id of [screen.activePeer, ...screen.members, ...screen.chatPeers, ...screen.panel]) {
    if (id && id !== screen.me) ids.add(id);
    if (ids.size === MAX_PRESENCE_SUBSCRIPTIONS) break;
  }
  return [...ids];
}
