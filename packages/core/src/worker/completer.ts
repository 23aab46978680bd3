import type { Completion } from "../backend.js";
import type { Clock } from "../clock.js";
import type { ResolvedBackend } from "../config.js";
import type { Logger } from "../logger.js";
import { storageErrorCause } from "./cause.js";
import type { StorageDeadline } from "./deadline.js";
import type { OutageReporter } from "./outage.js";

/** What became of one submitted completion. */
export interface CompletionReceipt {
  /** False when the guard refused the write (the claim was lost, cancelled or rescued). */
  readonly applied: boolean;
  /** The time written as the completion time. */
  readonly now: Date;
}

interface Pending {
  readonly completion: Completion;
  readonly resolve: (receipt: CompletionReceipt) => void;
}

/** Largest number of completions written by one backend call. */
const MAX_BATCH = 500;
/** Retry delays for failed writes grow to this. */
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Writes attempt outcomes in batches: completions submitted while a write is in flight go
 * into the next one. A failed write is retried with growing delays until it succeeds or the
 * completer is told to give up (forced shutdown), so a storage outage loses no result.
 */
export class Completer {
  readonly #resolved: ResolvedBackend;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #outage: OutageReporter;
  readonly #deadline: StorageDeadline;
  #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #givenUp = false;

  /**
   * Failed writes are reported to `outage`, which the worker's other storage loops share; a
   * write that outlasts `deadline` counts as failed and is retried (the guard makes a second
   * write of an applied completion a no-op).
   */
  constructor(resolved: ResolvedBackend, clock: Clock, logger: Logger, outage: OutageReporter, deadline: StorageDeadline) {
    this.#resolved = resolved;
    this.#clock = clock;
    this.#logger = logger;
    this.#outage = outage;
    this.#deadline = deadline;
  }

  /** Completions waiting to be written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queues a completion; resolves once it was written (or refused by the guard). */
  submit(completion: Completion): Promise<CompletionReceipt> {
    return new Promise((resolve) => {
      this.#queue.push({ completion, resolve });
      if (!this.#flushing) this.#flushing = this.#flushLoop();
    });
  }

  /** Resolves when everything submitted so far has been written (or given up). */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /** Stops retrying failed writes: pending completions resolve as not applied (leases will expire). */
  giveUp(): void {
    this.#givenUp = true;
  }

  async #flushLoop(): Promise<void> {
    // Let completions that finish in the same tick join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let failures = 0;
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, MAX_BATCH);
      const now = this.#clock.now();
      try {
        const { applied } = await this.#deadline.bound(
          "complete",
          this.#resolved.backend.complete({
            backend: this.#resolved.alias,
            now,
            completions: batch.map((entry) => entry.completion),
          }),
        );
        this.#queue = this.#queue.slice(batch.length);
        failures = 0;
        this.#outage.succeeded("complete");
        const appliedIds = new Set(applied);
        for (const entry of batch) entry.resolve({ applied: appliedIds.has(entry.completion.id), now });
      } catch (error) {
        failures++;
        if (this.#givenUp) {
          this.#logger.error("Could not write task results; giving up (their leases will expire and they will run again).", {
            count: this.#queue.length,
            cause: storageErrorCause(error).text,
          });
          for (const entry of this.#queue) entry.resolve({ applied: false, now });
          this.#queue = [];
          break;
        }
        this.#outage.failed("complete", error);
        await this.#clock.sleep(Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** failures));
      }
    }
    this.#flushing = null;
  }
}
