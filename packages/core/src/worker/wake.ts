import type { Clock } from "../clock.js";

/**
 * A reusable, sticky wake-up for one sleeping loop. `wake()` ends the current sleep early;
 * a wake that arrives while the loop is busy (not sleeping) is remembered, so the loop's
 * next sleep returns at once instead of missing it.
 */
export class Wake {
  #controller = new AbortController();
  #pending = false;

  /** Sleeps up to `ms`, or less if woken (now or since the last sleep). */
  async sleep(clock: Clock, ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    await clock.sleep(ms, this.#controller.signal);
    this.#pending = false;
  }

  /** Wakes the sleeper, or the next sleep if nobody sleeps now. */
  wake(): void {
    this.#pending = true;
    const current = this.#controller;
    this.#controller = new AbortController();
    current.abort();
  }
}
