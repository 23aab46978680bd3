/**
 * Waiting out a database file that another connection holds locked. better-sqlite3 is
 * synchronous, so its own busy timeout blocks the event loop; we keep that timeout short and
 * retry here instead, asynchronously, with a growing pause between tries.
 */
import { TasksError } from "@tasks/core/backend";
import { storageErrorCodes } from "../shared/index.js";

/** How long and how often a busy operation is retried. */
export interface BusyRetryPolicy {
  /** Give up once this much time has passed since the first try. */
  readonly maxWaitMs: number;
  /** First pause; each later pause doubles, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Default policy: retry for up to 30 s, pausing 5 ms at first and at most 100 ms. */
export const DEFAULT_BUSY_RETRY: BusyRetryPolicy = { maxWaitMs: 30_000, initialDelayMs: 5, maxDelayMs: 100 };

/** Thrown when the database stayed busy for longer than the retry policy allows. */
export class SqliteBusyError extends TasksError {
  /** The driver code of the last busy error (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, …). */
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SqliteBusyError";
    this.code = code;
  }
}

/** The busy or locked SQLite code of `error` (or its causes), if it has one. */
export function busyCode(error: unknown): string | undefined {
  return storageErrorCodes(error).find((code) => code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/**
 * Runs `operation` (a synchronous database call, typically a whole transaction), retrying it
 * after a pause while it fails with a busy or locked code. Each try starts from scratch, so
 * `operation` must leave nothing behind when it throws (a better-sqlite3 transaction
 * function rolls itself back).
 */
export async function retryWhileBusy<T>(what: string, operation: () => T, policy: BusyRetryPolicy = DEFAULT_BUSY_RETRY): Promise<T> {
  const started = Date.now();
  let delay = policy.initialDelayMs;
  for (let tries = 1; ; tries++) {
    try {
      return operation();
    } catch (error) {
      const code = busyCode(error);
      if (code === undefined) throw error;
      const waited = Date.now() - started;
      if (waited + delay > policy.maxWaitMs) {
        throw new SqliteBusyError(
          `The SQLite database stayed locked by another connection for ${waited} ms (${tries} tries of ${what}, last error ${code}). ` +
            "Another process may hold a long write transaction; shorten it, or raise busyRetry.maxWaitMs in sqliteBackend().",
          code,
          { cause: error },
        );
      }
      await pause(delay);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
