// One live gateway per GATEWAY_ID. A second process started under a running gateway's id (a copied unit file, a
// command run twice) released that gateway's users in Redis as it started (its "previous incarnation's" sessions),
// and then each of the two released the other's users whenever it restarted: docs/DEPLOYMENT.md says two live
// gateways must never share an id, and nothing checked it.
import { StartupError } from "@cim/config";
import { otherRegistrations, type ZkSession } from "@cim/discovery";

/** How long a registered namesake may take to answer its /healthz before it counts as gone (killed, or frozen). */
const PROBE_TIMEOUT_MS = 1_000;

/** True when the gateway behind `wsUrl` answers as gateway `id` registered at `node`. */
async function answersAs(wsUrl: string, id: string, node: string): Promise<boolean> {
  try {
    const url = new URL(wsUrl);
    url.protocol = url.protocol === "wss:" ? "https:" : "http:";
    url.pathname = "/healthz";
    url.search = "";
    const answer = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const health = (await answer.json()) as { gatewayId?: unknown; node?: unknown };
    return health.gatewayId === id && health.node === node;
  } catch {
    return false;
  }
}

/**
 * Throws a StartupError when another gateway registered under `gatewayId` answers at its URL. A node left by an
 * earlier incarnation (killed: nothing answers there, or this very process is about to) lets the start go on, as
 * a restart under the same id must.
 */
export async function refuseLiveNamesake(zk: ZkSession, gatewayId: string, instance: string): Promise<void> {
  for (const { path, info } of await otherRegistrations(zk, gatewayId, instance)) {
    if (await answersAs(info.wsUrl, gatewayId, path)) {
      throw new StartupError(`GATEWAY_ID ${gatewayId} is in use by a running gateway (${info.wsUrl}): two gateways under one id release each other's users; give this one another GATEWAY_ID`);
    }
  }
}
