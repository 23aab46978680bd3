import type { LibSession } from "../adapters/types.js";
import { chunks, payloads } from "../payload.js";
import { sleep } from "../scenarios/context.js";

/** The enqueuer wakes this often and enqueues what is due since its last turn. */
export const ENQUEUE_TICK_MS = 100;

/** Tasks that should have been enqueued `elapsedMs` after the start at `rate` per second. */
export function dueCount(elapsedMs: number, rate: number): number {
  return elapsedMs <= 0 ? 0 : Math.floor((rate * elapsedMs) / 1000);
}

/** What the enqueuer did. */
export interface EnqueueOutcome {
  /** Tasks enqueued, numbered 1…total. */
  readonly total: number;
  /** The largest number of tasks it was behind schedule after a turn (0: always on time). */
  readonly maxBehind: number;
}

/**
 * Enqueues tasks numbered from 1 at a steady `rate` per second with the library's bulk call,
 * every {@link ENQUEUE_TICK_MS} (at most `chunk` tasks per call), until stopped. A turn that
 * falls behind catches up on the next one, so the average rate holds while the library keeps up
 * with its inserts.
 */
export class SteadyEnqueuer {
  #enqueued = 0;
  #maxBehind = 0;
  #stopped = false;
  #running: Promise<void> | undefined;

  constructor(
    private readonly session: LibSession,
    private readonly rate: number,
    private readonly chunk: number,
  ) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`SteadyEnqueuer: rate must be a positive number of tasks per second (got ${rate}).`);
  }

  /** Tasks enqueued so far. */
  get enqueued(): number {
    return this.#enqueued;
  }

  /** Starts enqueueing; `start` is the `performance.now()` the schedule counts from. */
  start(start: number): void {
    this.#running = this.#loop(start);
    this.#running.catch(() => {});
  }

  /** Stops after the current call; rejects if an enqueue failed. */
  async stop(): Promise<EnqueueOutcome> {
    this.#stopped = true;
    await this.#running;
    return { total: this.#enqueued, maxBehind: this.#maxBehind };
  }

  async #loop(start: number): Promise<void> {
    for (let turn = 1; !this.#stopped; turn++) {
      const due = dueCount(performance.now() - start, this.rate) - this.#enqueued;
      if (due > 0) {
        for (const batch of chunks(payloads(due, this.#enqueued + 1), this.chunk)) {
          // A library far behind schedule would otherwise keep the run going until it caught up.
          if (this.#stopped) break;
          await this.session.enqueueMany(batch);
          this.#enqueued += batch.length;
        }
      }
      this.#maxBehind = Math.max(this.#maxBehind, dueCount(performance.now() - start, this.rate) - this.#enqueued);
      const nextAt = start + turn * ENQUEUE_TICK_MS;
      const wait = nextAt - performance.now();
      if (wait > 0) await sleep(wait);
      else turn = Math.ceil((performance.now() - start) / ENQUEUE_TICK_MS);
    }
  }
}
