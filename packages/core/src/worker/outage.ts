import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import { storageErrorCause } from "./cause.js";

/** How often a storage outage that goes on is reported again. */
export const OUTAGE_REPEAT_MS = 30_000;

/**
 * Turns a worker's failing storage calls into a few log lines: one ERROR when calls start
 * failing (naming the driver's cause, never the SQL), one WARN every {@link OUTAGE_REPEAT_MS}
 * while they go on (how long, how many calls failed), and one INFO when storage answers again.
 * Every loop of a worker that calls storage (claim lanes, heartbeat, rescue, completer) reports
 * here, so an outage is one story instead of a line per call per loop.
 *
 * An outage ends when every operation that failed has succeeded again: while one kind of call
 * keeps failing (say, heartbeats against a table without a new column) and others work, it
 * stays one outage rather than starting and ending on every call.
 */
export class OutageReporter {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #fields: Readonly<Record<string, unknown>>;
  /** Operations whose latest call failed. */
  readonly #failing = new Set<string>();
  #since = 0;
  #failures = 0;
  #latestCause = "";
  /** Ends the repeat timer of the current outage. */
  #repeats: AbortController | null = null;
  #closed = false;

  constructor(clock: Clock, logger: Logger, fields: Readonly<Record<string, unknown>> = {}) {
    this.#clock = clock;
    this.#logger = logger;
    this.#fields = fields;
  }

  /** A call of `operation` failed with `error`. */
  failed(operation: string, error: unknown): void {
    const cause = storageErrorCause(error);
    this.#latestCause = cause.text;
    const starting = this.#failing.size === 0;
    this.#failing.add(operation);
    if (!starting) {
      this.#failures++;
      return;
    }
    this.#since = this.#clock.now().getTime();
    this.#failures = 1;
    this.#logger.error(`Storage calls are failing: ${operation} failed with ${cause.text}. The worker keeps retrying and logs again when storage answers.`, {
      ...this.#fields,
      operation,
      cause: cause.text,
      ...(cause.code !== null ? { code: cause.code } : {}),
    });
    if (!this.#closed) void this.#repeat((this.#repeats = new AbortController()));
  }

  /** A call of `operation` succeeded. */
  succeeded(operation: string): void {
    if (this.#failing.size === 0 || !this.#failing.delete(operation) || this.#failing.size > 0) return;
    this.#repeats?.abort();
    this.#repeats = null;
    const lastedMs = this.#clock.now().getTime() - this.#since;
    this.#logger.info(`Storage is reachable again after ${formatDuration(lastedMs)} (${countCalls(this.#failures)} failed).`, {
      ...this.#fields,
      lastedMs,
      failedCalls: this.#failures,
    });
  }

  /** Stops the repeat timer (the worker is done); later failures log their first line only. */
  close(): void {
    this.#closed = true;
    this.#repeats?.abort();
    this.#repeats = null;
  }

  async #repeat(stop: AbortController): Promise<void> {
    for (;;) {
      await this.#clock.sleep(OUTAGE_REPEAT_MS, stop.signal);
      if (stop.signal.aborted) return;
      const lastedMs = this.#clock.now().getTime() - this.#since;
      const operations = [...this.#failing];
      this.#logger.warn(
        `Storage calls still failing after ${formatDuration(lastedMs)}: ${countCalls(this.#failures)} failed (${operations.join(", ")}); latest: ${this.#latestCause}. Retrying.`,
        { ...this.#fields, lastedMs, failedCalls: this.#failures, operations, cause: this.#latestCause },
      );
    }
  }
}

function countCalls(count: number): string {
  return count === 1 ? "1 call" : `${count} calls`;
}

/** `850 ms`, `42 s`, `3 min 5 s`, `2 h 7 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
