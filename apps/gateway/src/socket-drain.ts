// Pacing of replays (a room's backlog, a user's inbox) to a session's socket: the next frame goes out only once the
// socket holds less than a mark below the slow-consumer bound, so a device catching up over a slow link is never cut
// off (4429) by its own replay. Live messages are not paced: a reader too slow for them is cut off (Session.sendBytes).
import type { Session } from "./session.js";

/** A replay sends its next frame only while the session's socket holds less than this (and half its bound). */
const REPLAY_BUFFER_BYTES = 256 * 1024;
const REPLAY_DRAIN_POLL_MS = 10;
/** A reader that drains nothing for this long is left to the slow-consumer bound of `Session.sendBytes`. */
const REPLAY_DRAIN_TIMEOUT_MS = 30_000;

/** Below the slow-consumer bound, so a replay never trips it with its own frames. */
const replayMark = (session: Session) => Math.min(REPLAY_BUFFER_BYTES, session.maxBufferedBytes / 2);

/** Waits until the session's socket holds at most its replay mark, it closes, or the reader stalls. */
export async function drainedForReplay(session: Session): Promise<void> {
  if (session.socket.bufferedAmount <= replayMark(session)) return;
  const deadline = Date.now() + REPLAY_DRAIN_TIMEOUT_MS;
  while (session.isOpen && session.socket.bufferedAmount > replayMark(session) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, REPLAY_DRAIN_POLL_MS));
  }
}
