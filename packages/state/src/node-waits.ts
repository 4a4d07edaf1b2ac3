// WAIT on one node's connection, shared and left out where it cannot succeed. A WAIT blocks its connection until
// enough replicas confirmed the connection's writes or its timeout passed, and every command behind it waits too.
// Sent once per message, the WAITs of a node whose replica is gone (died, or a failover promoted it and the old
// master did not come back) queued one timeout each: Sends to that node took ever longer and stopped being answered
// (scripts/cluster-sender-probe.ts --scenario kill --wait 1: 380 Sends never answered), and on a single node every
// command of the app waited behind them. So at most one WAIT per connection is in flight, and the callers that came
// meanwhile share the next one (their writes all precede it); and once a node fell short, ROLE (which answers at
// once) is asked instead until it lists enough replicas again.
import type { Redis } from "ioredis";

interface NodeState {
  /** The WAIT in flight, and the one after it, shared by every caller that came while the first was out. */
  current?: Promise<number>;
  next?: Promise<number>;
  /** The last WAIT fell short: no WAIT is sent until ROLE lists enough connected replicas. */
  short: boolean;
}

/** What one node confirmed: replicas reached, and whether it is no longer a master (see ReplicaWaitResult). */
export interface NodeWaitResult {
  reached: number;
  demoted: boolean;
}

/** Per connection (a WAIT counts the writes of its own connection). */
const states = new WeakMap<Redis, NodeState>();
/** A shared WAIT left out because the one before it fell short: its callers ask ROLE instead. */
const SKIPPED = -1;

/** Waits until `replicas` replicas hold the writes made so far on `node`'s connection, or `timeoutMs` passed. */
export async function waitOnNode(node: Redis, replicas: number, timeoutMs: number): Promise<NodeWaitResult> {
  let state = states.get(node);
  if (!state) states.set(node, (state = { short: false }));
  for (;;) {
    if (state.short) {
      const [role, , connected] = (await node.call("ROLE")) as [string, unknown, unknown[] | undefined];
      if (role !== "master") return { reached: 0, demoted: true };
      if ((connected?.length ?? 0) < replicas) return { reached: 0, demoted: false };
      state.short = false;
    }
    const reached = await shared(node, state, replicas, timeoutMs);
    if (reached === SKIPPED) continue;
    if (reached >= replicas) return { reached, demoted: false };
    state.short = true;
    const [role] = (await node.call("ROLE")) as [string];
    return { reached, demoted: role !== "master" };
  }
}

/** The WAIT this caller's writes are covered by: a new one, or the one queued after the WAIT in flight. */
function shared(node: Redis, state: NodeState, replicas: number, timeoutMs: number): Promise<number> {
  if (!state.current) {
    const current = node.wait(replicas, timeoutMs);
    state.current = current;
    const clear = () => void (state.current === current && (state.current = undefined));
    current.then(clear, clear);
    return current;
  }
  if (!state.next) {
    const settled = state.current.then(() => undefined, () => undefined);
    state.next = settled.then(() => {
      state.next = undefined;
      return state.short ? SKIPPED : shared(node, state, replicas, timeoutMs);
    });
  }
  return state.next;
}
