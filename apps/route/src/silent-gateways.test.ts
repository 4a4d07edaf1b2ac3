// SilentGateways judges each gateway by the lease it declared, not by route's own setting (fake leases and clock).
import { describe, expect, it } from "vitest";
import pino from "pino";
import type { GatewayLease } from "@cim/state";
import { SilentGateways } from "./silent-gateways.js";

/** Route's own CIM_GATEWAY_LEASE_MS in these tests. */
const ROUTE_LEASE_MS = 5_000;

function setup(lease: GatewayLease | null) {
  const state = { lease, released: [] as string[], zookeeper: true };
  const silent = new SilentGateways({
    leases: {
      lease: async () => state.lease,
      beginRelease: async () => state.lease === null,
      endRelease: async () => undefined,
    },
    gateways: () => [{ id: "gw-1", instance: "i1" }],
    zookeeperCanTell: () => state.zookeeper,
    gone: { release: async (id: string) => void state.released.push(id), changed: () => undefined },
    leaseMs: ROUTE_LEASE_MS,
    log: pino({ level: "silent" }),
  });
  return { state, silent };
}

/** ZooKeeper loses quorum at t=0 and the gateway's lease has lapsed: the passes at `times` (ms) see it lapsed. */
async function lapseAt(lease: GatewayLease | null, times: number[]): Promise<string[]> {
  const { state, silent } = setup(lease);
  await silent.checkAll(-1_000); // learned while ZooKeeper tells
  state.zookeeper = false;
  state.lease = null;
  for (const t of times) await silent.checkAll(t);
  return state.released;
}

describe("SilentGateways", () => {
  it("a gateway that declared a longer lease than route's is not released before its own lease", async () => {
    expect(await lapseAt({ instance: "i1", leaseMs: 20_000 }, [0, 6_000, 19_000])).toEqual([]);
    expect(await lapseAt({ instance: "i1", leaseMs: 20_000 }, [0, 6_000, 20_000])).toEqual(["gw-1"]);
  });

  it("a gateway that declared a shorter lease than route's is released after its own lease", async () => {
    expect(await lapseAt({ instance: "i1", leaseMs: 1_000 }, [0, 1_000])).toEqual(["gw-1"]);
  });

  it("a lease written without a declared lease (an older gateway) is judged by route's own", async () => {
    expect(await lapseAt({ instance: "i1" }, [0, 4_000])).toEqual([]);
    expect(await lapseAt({ instance: "i1" }, [0, 5_000])).toEqual(["gw-1"]);
  });

  it("a lease declared by another incarnation of the gateway id is not used for this one", async () => {
    expect(await lapseAt({ instance: "i0", leaseMs: 20_000 }, [0, 5_000])).toEqual(["gw-1"]);
  });
});
