/**
 * Whether (and why) one running attempt was aborted: by a cancel, a lost lease, its timeout
 * or a forced shutdown. A real `AbortSignal` is made only when the task asks for one through
 * its context; most tasks never do, and making one per task was a measurable share of a
 * worker's time on short tasks.
 */
export class AttemptAbort {
  #aborted = false;
  #reason: unknown = undefined;
  #controller: AbortController | null = null;
  #listeners: Array<(reason: unknown) => void> = [];

  /** True once {@link abort} was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** What {@link abort} was called with. */
  get reason(): unknown {
    return this.#reason;
  }

  /** The signal handed to the task; made on first use, already aborted if the attempt is. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the attempt once; later calls keep the first reason. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener(reason);
  }

  /** Calls `listener` on abort (at once if aborted already); returns a function that unsubscribes. */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.#aborted) {
      listener(this.#reason);
      return () => {};
    }
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index !== -1) this.#listeners.splice(index, 1);
    };
  }
}
