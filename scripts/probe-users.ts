// The users of a probe's run: registered through route under a name no earlier run took.
import type { RouteApi } from "@cim/client";

/** A probe's user: its name and userId. */
export interface ProbeUser {
  name: string;
  userId: string;
}

/** The probes' users' password. */
export const PROBE_PASSWORD = "cim-probe-pass-1";

/** Registers `prefix` and a random tail; its name and userId. */
export async function registerProbeUser(api: RouteApi, prefix: string): Promise<ProbeUser> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 7)}`;
  const { userId } = await api.register(name, PROBE_PASSWORD);
  return { name, userId };
}

/**
 * The two users of a sender/receiver probe: `a`, owner of a private room `roomName` that `b` is invited to. `token`
 * logs a user in again (one login per device); `aToken` is the login that made the room.
 */
export async function probePair(api: RouteApi, roomName: string): Promise<{ a: ProbeUser; b: ProbeUser; aToken: string; room: string; token: (user: ProbeUser) => Promise<string> }> {
  const [a, b] = [await registerProbeUser(api, "a"), await registerProbeUser(api, "b")];
  const token = async (user: ProbeUser) => (await api.login(user.name, PROBE_PASSWORD)).token;
  const aToken = await token(a);
  const room = (await api.createRoom(aToken, { name: roomName, visibility: "private" })).roomId;
  await api.invite(aToken, room, b.userId);
  return { a, b, aToken, room, token };
}
