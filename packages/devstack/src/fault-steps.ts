// Fault plans as steps in order: each step starts at its message index, and never before the step before it ended.
export type FaultStep = readonly [atMessage: number, run: () => Promise<void>];

/**
 * The schedule `runFaultScenario` takes, from steps given in order. Steps are chained because a later step often uses
 * what an earlier one set (the master it killed is the one it restarts): with few messages, sends outrun the steps, and
 * unchained, a restart ran before its kill (two Redis Cluster masters left dead, the probe hung). Indices that collide
 * (`Math.floor` of close shares of a small count) move to the next free index rather than being dropped by the Map.
 */
export function inOrder(steps: FaultStep[]): Map<number, () => Promise<void>> {
  const schedule = new Map<number, () => Promise<void>>();
  let previousEnded: Promise<void> = Promise.resolve();
  let last = -1;
  for (const [index, run] of steps) {
    const at = Math.max(index, last + 1);
    last = at;
    let ended!: () => void;
    const waitFor = previousEnded;
    previousEnded = new Promise<void>((resolve) => (ended = resolve));
    // A failed step does not hold up the next one: the caller reports each failure as that step's.
    schedule.set(at, () => waitFor.then(run).finally(ended));
  }
  return schedule;
}
