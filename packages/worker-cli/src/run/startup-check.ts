import { setTimeout as sleep } from "node:timers/promises";
import { classifyStorageFault, type Logger, type ResolvedBackend } from "@tasks/core";
import { durationText, formatMs } from "../args/durations.js";
import { CommandFailure } from "./exit-codes.js";
import { describeStorageError, storageErrorHint } from "./storage-error.js";

/** Waits between start-up checks: short at first (a restart takes a second or two), then every 2 s. */
const RETRY_DELAYS_MS: readonly number[] = [250, 500, 1_000, 2_000];

/** Options of {@link checkStorageAtStartup}. */
export interface StartupCheckOptions {
  /** How long to keep retrying a database that cannot be reached yet; 0 checks once. */
  readonly timeoutMs: number;
  /** A stop requested during start-up (the first SIGINT/SIGTERM): ends the wait at once. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** One check's outcome: the database is usable, may become usable (retry), or cannot be until someone fixes something. */
type Outcome = { readonly kind: "ok" } | { readonly kind: "transient" | "permanent"; readonly message: string };

const STOPPED = Symbol("stopped");

/**
 * The worker's start-up check (the backend's `verify()`), retried while the database cannot
 * be reached yet. A problem that only a person can fix (a missing database or role, a
 * refused password, missing or outdated task tables, missing privileges) fails at once; so
 * does an error `verify()` throws that `classifyStorageFault` does not call transient. A
 * database that is unreachable (refused or dropped connections, a server starting up or
 * shutting down: SQLSTATE 57P01-57P03, too many connections, a timeout, a host name that
 * does not resolve yet) is checked again, with growing pauses, until `timeoutMs` has passed.
 *
 * Resolves `"ready"`, or `"stopped"` when `signal` aborts first. Throws a
 * {@link CommandFailure} (one line, exit 1) when the database is not usable.
 */
export async function checkStorageAtStartup(resolved: ResolvedBackend, options: StartupCheckOptions): Promise<"ready" | "stopped"> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) return "stopped";
    const outcome = await untilAborted(checkOnce(resolved), options.signal);
    if (outcome === STOPPED) return "stopped";
    if (outcome.kind === "ok") {
      if (attempt > 1) options.logger.info(`The database is usable now, after ${attempt} checks in ${formatMs(Date.now() - started)}.`, { checks: attempt });
      return "ready";
    }
    if (outcome.kind === "permanent") throw new CommandFailure(outcome.message);
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new CommandFailure(
        options.timeoutMs === 0 ? outcome.message : `${outcome.message} (Still failing after ${attempt} checks over ${formatMs(elapsed)}: gave up at --startup-timeout ${durationText(options.timeoutMs)}.)`,
      );
    }
    if (attempt === 1) {
      options.logger.warn(`The database cannot be used yet: ${outcome.message} Checking again for up to ${durationText(options.timeoutMs)} (--startup-timeout).`);
    } else {
      options.logger.debug(`Start-up check ${attempt} failed: ${outcome.message}`);
    }
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1] as number;
    await sleep(Math.min(delay, options.timeoutMs - elapsed), undefined, { signal: options.signal }).catch(() => {});
  }
}

async function checkOnce(resolved: ResolvedBackend): Promise<Outcome> {
  let check;
  try {
    check = await resolved.backend.verify?.();
  } catch (error) {
    if (classifyStorageFault(error) !== "transient") throw error;
    return { kind: "transient", message: `A storage call failed: ${describeStorageError(error) ?? String(error)}. ${storageErrorHint(error)}` };
  }
  if (!check || check.ok) return { kind: "ok" };
  // verify() reports every failure to reach the server as "unreachable"; the other problems need a person.
  return { kind: check.problem === "unreachable" ? "transient" : "permanent", message: check.message };
}

/** `work`'s outcome, or {@link STOPPED} as soon as `signal` aborts (a late failure of `work` is then ignored). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof STOPPED> {
  work.catch(() => {});
  if (signal.aborted) return Promise.resolve(STOPPED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(STOPPED);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
