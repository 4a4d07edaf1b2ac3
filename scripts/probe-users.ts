// The users of a probe's run: registered through route under a name no earlier run took.
import type { RouteApi } from "@cim/client";

/** The probes' users' password. */
export const PROBE_PASSWORD = "cim-probe-pass-1";

/** Registers `prefix` and a random tail; its name and userId. */
export async function registerProbeUser(api: RouteApi, prefix: string): Promise<{ name: string; userId: string }> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 7)}`;
  const { userId } = await api.register(name, PROBE_PASSWORD);
  return { name, userId };
}
