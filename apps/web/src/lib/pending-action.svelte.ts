// One user action at a time and what came of it: busy while it runs (its button says so), its failure in words after.
// Its owner (a dialog) may be gone before the action ends: the end then reports nothing, so an answer that comes
// after a dialog closed neither closes the next dialog nor acts on a choice the user turned from.
import { onDestroy } from "svelte";
import { describeError } from "./errors.js";

export class PendingAction {
  busy = $state(false);
  /** The last failure, as the user reads it ("" none); cleared when the next run starts. */
  error = $state("");
  #abandoned = false;

  /** A PendingAction of the component being initialised (call it there): abandoned once the component is destroyed. */
  static owned(): PendingAction {
    const action = new PendingAction();
    onDestroy(() => action.abandon());
    return action;
  }

  /** Its owner is gone: runs that end from now on report no success (and no failure). */
  abandon(): void {
    this.#abandoned = true;
  }

  /** Runs `work`: true once it succeeded and the owner is still there; false when it failed (`error` says why) or
   * the owner is gone. */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.error = "";
    try {
      await work();
      return !this.#abandoned;
    } catch (failure) {
      if (!this.#abandoned) this.error = describeError(failure);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
