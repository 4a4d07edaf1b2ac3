// One user action at a time and what came of it: busy while it runs (its button says so), its failure in words after.
import { describeError } from "./errors.js";

export class PendingAction {
  busy = $state(false);
  /** The last failure, as the user reads it ("" none); cleared when the next run starts. */
  error = $state("");

  /** Runs `work`: true once it succeeded; false when it failed, and `error` says why. */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.error = "";
    try {
      await work();
      return true;
    } catch (failure) {
      this.error = describeError(failure);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
