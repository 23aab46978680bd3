import type { Clock } from "../clock.js";

/**
 * A sticky wake-up for one sleeping loop. `wake()` ends the current sleep early; a wake that
 * arrives while the loop is busy (not sleeping) is remembered, so the loop's next sleep
 * returns at once instead of missing it. Wakes are frequent (one per finished task), so a
 * wake with nobody asleep costs only a flag.
 */
export class Wake {
  #sleeper: AbortController | null = null;
  #pending = false;

  /** Sleeps up to `ms`, or less if woken (now or since the last sleep). */
  async sleep(clock: Clock, ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    const sleeper = new AbortController();
    this.#sleeper = sleeper;
    await clock.sleep(ms, sleeper.signal);
    if (this.#sleeper === sleeper) this.#sleeper = null;
    this.#pending = false;
  }

  /** True while the loop sleeps (a wake now ends that sleep rather than the next one). */
  get sleeping(): boolean {
    return this.#sleeper !== null;
  }

  /** Wakes the sleeper, or the next sleep if nobody sleeps now. */
  wake(): void {
    const sleeper = this.#sleeper;
    if (!sleeper) {
      this.#pending = true;
      return;
    }
    this.#sleeper = null;
    sleeper.abort();
  }
}
