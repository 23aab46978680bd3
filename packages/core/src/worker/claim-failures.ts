import { TasksError } from "../errors.js";
import { classifyStorageFault } from "../storage-faults.js";
import { storageErrorCause } from "./cause.js";

/** Longest wait between retries of a failing claim. */
const MAX_CLAIM_BACKOFF_MS = 5_000;
/** Claims in a row failing with a permanent error (no such database, role or table) that end a batch run. */
export const PERMANENT_FAILURES_TO_STOP = 3;

/**
 * One claim lane's run of failed claims: how long to wait before the next try (100 ms doubling
 * to 5 s), and whether to give up. A long-running worker never gives up (someone may fix the
 * database); a batch run, a cron job with nobody watching, gives up after
 * {@link PERMANENT_FAILURES_TO_STOP} permanent errors in a row.
 */
export class ClaimFailures {
  #inRow = 0;
  #permanentInRow = 0;

  /** A claim succeeded. */
  reset(): void {
    this.#inRow = 0;
    this.#permanentInRow = 0;
  }

  /** Records a failed claim; returns the wait before the next, or null when a batch run should stop. */
  failed(error: unknown, batch: boolean): number | null {
    this.#inRow++;
    this.#permanentInRow = classifyStorageFault(error) === "permanent" ? this.#permanentInRow + 1 : 0;
    if (batch && this.#permanentInRow >= PERMANENT_FAILURES_TO_STOP) return null;
    return Math.min(MAX_CLAIM_BACKOFF_MS, 100 * 2 ** (this.#inRow - 1));
  }
}

/** What `Worker.run()` rejects with when a batch run gave up on `cause`. */
export function batchGaveUpError(cause: unknown): TasksError {
  return new TasksError(
    `The batch run stopped: claiming failed ${PERMANENT_FAILURES_TO_STOP} times in a row with an error no retry can fix (${storageErrorCause(cause).text}). Check the database, role, password and URL.`,
    { cause },
  );
}
