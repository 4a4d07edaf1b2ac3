// Picks the gateway for a login from the live list, by the configured strategy.
import { createHash } from "node:crypto";
import type { GatewayInfo } from "@cim/discovery";
import type { Strategy } from "./config.js";

export interface PickInput {
  userId: string;
  /** A gateway the client just failed on: chosen only when no other is live. */
  avoid?: string;
}

export interface GatewayPicker {
  pick(gateways: readonly GatewayInfo[], input: PickInput): Promise<GatewayInfo | null>;
}

/** Builds a picker; `connections` is needed by least-connections only. */
export function createPicker(strategy: Strategy, connections: (ids: string[]) => Promise<number[]>): GatewayPicker {
  let next = 0;
  const choose: Record<Strategy, (list: readonly GatewayInfo[], input: PickInput) => Promise<GatewayInfo>> = {
    "round-robin": async (list) => list[next++ % list.length]!,
    random: async (list) => list[Math.floor(Math.random() * list.length)]!,
    // Rendezvous hashing: a user keeps its gateway while that gateway lives; only its users move when it dies.
    "consistent-hash": async (list, { userId }) => {
      let best = list[0]!;
      let bestScore = -1n;
      for (const gateway of list) {
        const score = BigInt(`0x${createHash("sha1").update(`${gateway.id}\u0000${userId}`).digest("hex").slice(0, 15)}`);
        if (score > bestScore) [best, bestScore] = [gateway, score];
      }
      return best;
    },
    "least-connections": async (list) => {
      const counts = await connections(list.map((g) => g.id));
      let best = 0;
      counts.forEach((count, i) => {
        if (count < counts[best]!) best = i;
      });
      return list[best]!;
    },
  };
  return {
    async pick(gateways, input) {
      const preferred = gateways.filter((g) => g.id !== input.avoid);
      const list = preferred.length > 0 ? preferred : gateways;
      return list.length > 0 ? choose[strategy](list, input) : null;
    },
  };
}
