import type { Clock } from "../clock.js";
import { StorageTimeoutError } from "../errors.js";
import { formatDuration } from "./outage.js";

/**
 * Puts a time limit on the worker's own storage calls (claim, heartbeat, complete, rescue).
 *
 * Why: a driver can leave a call pending forever. postgres.js 3.4.9, for one, sometimes drops
 * a query that was in flight when its connection was terminated: the promise neither
 * resolves nor rejects, and a claim lane or the result writer waiting on it stops for good.
 * With a limit, such a call counts as a failed call and is retried like any other storage
 * failure. The call itself cannot be cancelled; if it does settle later, `onLate` gets its
 * value (claimed tasks are still run, so a slow claim loses nothing).
 */
export class StorageDeadline {
  readonly #clock: Clock;
  readonly #ms: number;

  constructor(clock: Clock, ms: number) {
    this.#clock = clock;
    this.#ms = ms;
  }

  /** The limit in milliseconds. */
  get ms(): number {
    return this.#ms;
  }

  /**
   * Settles like `call`, or rejects with {@link StorageTimeoutError} once the limit passes
   * first. A value that arrives after that goes to `onLate`; a late rejection is dropped.
   */
  bound<T>(operation: string, call: Promise<T>, onLate?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = new AbortController();
      let settled = false;
      call.then(
        (value) => {
          if (settled) return onLate?.(value);
          settled = true;
          timer.abort();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          timer.abort();
          reject(error);
        },
      );
      void this.#clock.sleep(this.#ms, timer.signal).then(() => {
        if (settled) return;
        settled = true;
        reject(
          new StorageTimeoutError(
            `The storage call "${operation}" did not finish within ${formatDuration(this.#ms)}; treating it as failed and trying again. ` +
              "The connection may be half-open or the database overloaded.",
          ),
        );
      });
    });
  }
}
