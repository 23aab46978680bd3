/**
 * A reusable wake-up: `signal` aborts on the next `wake()`, and a fresh signal takes its
 * place, so a sleeper can be woken early any number of times.
 */
export class Wake {
  #controller = new AbortController();

  /** The signal the next sleep should listen to. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Wakes whoever sleeps on the current signal. */
  wake(): void {
    const current = this.#controller;
    this.#controller = new AbortController();
    current.abort();
  }
}
