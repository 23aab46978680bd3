import type { Completion } from "../backend.js";
import { systemClock, type Clock } from "../clock.js";
import type { ResolvedBackend } from "../config.js";
import { StorageTimeoutError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { TaskTelemetry } from "../telemetry.js";
import { storageErrorCause } from "./cause.js";
import type { StorageDeadline } from "./deadline.js";
import type { OutageReporter } from "./outage.js";

/** What became of one submitted completion. */
export interface CompletionReceipt {
  /** False when the guard refused the write (the claim was lost, cancelled or rescued). */
  readonly applied: boolean;
  /** The time written as the completion time. */
  readonly now: Date;
  /** True when nothing was written because the completer gave up (a forced stop), not because the guard refused it. */
  readonly givenUp: boolean;
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
 * After {@link Completer.giveUp}, results still unwritten this long (real time) are given up
 * even if a write is in flight: a forced stop must end, whatever the connection does.
 */
export const GIVE_UP_GRACE_MS = 5_000;

/**
 * Writes attempt outcomes in batches: completions submitted while a write is in flight go
 * into the next one. A failed write is retried with growing delays until it succeeds, so a
 * storage outage loses no result, or until the completer is told to give up (a forced stop):
 * then it makes one more try at once and resolves whatever that cannot write as not applied.
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
  /** Set once results were given up: later submissions are not written either. */
  #abandoned = false;
  /** Ends the wait before the next retry (a give-up retries at once). */
  #retryWait: AbortController | null = null;
  /** Ends the grace timer of a give-up once nothing is left to write. */
  #grace: AbortController | null = null;
  readonly #telemetry: TaskTelemetry | undefined;
  /** Resolves `drain()` when results are given up with a write still in flight. */
  #onAbandon: (() => void) | null = null;

  /**
   * Failed writes are reported to `outage`, which the worker's other storage loops share; a
   * write that outlasts `deadline` counts as failed and is retried (the guard makes a second
   * write of an applied completion a no-op). `telemetry` is the worker's, read once when it was made.
   */
  constructor(resolved: ResolvedBackend, clock: Clock, logger: Logger, outage: OutageReporter, deadline: StorageDeadline, telemetry: TaskTelemetry | undefined) {
    this.#resolved = resolved;
    this.#telemetry = telemetry;
    this.#clock = clock;
    this.#logger = logger;
    this.#outage = outage;
    this.#deadline = deadline;
  }

  /** Completions waiting to be written. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Queues a completion; resolves once it was written (or refused by the guard), or as not
   * applied once the completer has given up.
   */
  submit(completion: Completion): Promise<CompletionReceipt> {
    if (this.#abandoned) {
      this.#logger.warn("A task's result was not written: the worker gave up on storage when it was forced to stop (its lease will expire and it will run again).", {
        id: completion.id,
      });
      return Promise.resolve({ applied: false, now: this.#clock.now(), givenUp: true });
    }
    return new Promise((resolve) => {
      this.#queue.push({ completion, resolve });
      if (!this.#flushing) this.#flushing = this.#flushLoop();
    });
  }

  /** Resolves when everything submitted so far has been written (or given up). */
  async drain(): Promise<void> {
    while (this.#flushing && !this.#abandoned) {
      await Promise.race([this.#flushing, new Promise<void>((resolve) => (this.#onAbandon = resolve))]);
    }
  }

  /**
   * For a forced stop: stops retrying. The write in flight (or, if the completer is waiting to
   * retry, one more write at once) is the last try; what it cannot write resolves as not
   * applied, so those tasks' leases expire and they are rescued and run again. Results still
   * unwritten {@link GIVE_UP_GRACE_MS} later are given up even with a write in flight (the
   * guard keeps a write that lands after that harmless).
   */
  giveUp(): void {
    if (this.#givenUp) return;
    this.#givenUp = true;
    this.#retryWait?.abort();
    if (this.#flushing) this.#startGrace();
  }

  #startGrace(): void {
    if (this.#grace || this.#abandoned) return;
    const grace = (this.#grace = new AbortController());
    // Real time, like the storage deadline: it bounds real I/O, whatever clock the worker uses.
    void systemClock.sleep(GIVE_UP_GRACE_MS, grace.signal).then(() => {
      if (grace.signal.aborted) return;
      this.#abandon(new StorageTimeoutError(`Results were still unwritten ${GIVE_UP_GRACE_MS} ms after the worker was forced to stop.`), this.#clock.now());
    });
  }

  /** Resolves every queued completion as not applied; later submissions resolve so at once. */
  #abandon(error: unknown, now: Date): void {
    if (this.#abandoned) return;
    this.#abandoned = true;
    this.#grace?.abort();
    if (this.#queue.length > 0) {
      this.#logger.error("Could not write task results; giving up (their leases will expire and they will run again).", {
        count: this.#queue.length,
        cause: storageErrorCause(error).text,
      });
    }
    const queue = this.#queue;
    this.#queue = [];
    for (const entry of queue) entry.resolve({ applied: false, now, givenUp: true });
    this.#onAbandon?.();
  }

  async #flushLoop(): Promise<void> {
    // Let completions that finish in the same tick join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.#givenUp) this.#startGrace();
    let failures = 0;
    while (this.#queue.length > 0 && !this.#abandoned) {
      const batch = this.#queue.slice(0, MAX_BATCH);
      const now = this.#clock.now();
      try {
        const complete = () => this.#resolved.backend.complete({ backend: this.#resolved.alias, now, completions: batch.map((entry) => entry.completion) });
        const telemetry = this.#telemetry;
        const { applied } = await this.#deadline.bound("complete", telemetry ? telemetry.storage("complete", this.#resolved.alias, batch.length, complete) : complete());
        failures = 0;
        this.#outage.succeeded("complete");
        // Given up while this write was in flight: its entries were resolved (as not applied) already.
        if (this.#abandoned) break;
        this.#queue = this.#queue.slice(batch.length);
        const appliedIds = new Set(applied);
        for (const entry of batch) entry.resolve({ applied: appliedIds.has(entry.completion.id), now, givenUp: false });
      } catch (error) {
        failures++;
        if (this.#givenUp) {
          this.#abandon(error, now);
          break;
        }
        this.#outage.failed("complete", error);
        const wait = (this.#retryWait = new AbortController());
        await this.#clock.sleep(Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** failures), wait.signal);
        this.#retryWait = null;
      }
    }
    this.#grace?.abort();
    this.#grace = null;
    this.#flushing = null;
  }
}
