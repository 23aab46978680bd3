/**
 * The backend call of an enqueue, bounded in time and with an honest error when its outcome
 * is unknown: a connection that fails (or a call that never answers) after the write was
 * sent may or may not have stored the task.
 */
import type { EnqueueOutcome, EnqueueParams } from "./backend.js";
import { getLogger, type ResolvedBackend } from "./config.js";
import { EnqueueOutcomeUnknownError, StorageTimeoutError } from "./errors.js";
import { formatNumber } from "./limits.js";
import { classifyStorageFault } from "./storage-faults.js";
import { storageErrorCause } from "./worker/cause.js";

/**
 * Calls `resolved.backend.enqueue(params)` at once (synchronously, so a backend that writes
 * inside a synchronous transaction still does) and settles like it, except:
 * - outside the caller's own transaction, a call that has not settled after the alias's
 *   `enqueueTimeoutMs` rejects with {@link EnqueueOutcomeUnknownError} (cause: a
 *   `StorageTimeoutError`). The call cannot be cancelled: if it settles later, a success is
 *   logged as a warning and a failure is dropped, never an unhandled rejection;
 * - outside a transaction, a transient storage fault (`classifyStorageFault`) rejects with
 *   {@link EnqueueOutcomeUnknownError} with the fault as `cause`.
 * Inside `using({ transaction })` the caller owns the connection and the outcome (the task
 * is stored if and only if the transaction commits), so the call is neither bounded nor
 * translated. Every other error passes through unchanged.
 */
export function callBackendEnqueue(resolved: ResolvedBackend, params: EnqueueParams, taskName: string): Promise<EnqueueOutcome[]> {
  const call = resolved.backend.enqueue(params);
  if (params.transaction !== undefined) return call;
  const what = describeEnqueue(taskName, params.tasks.length, resolved.alias);
  const limitMs = resolved.enqueueTimeoutMs;
  return new Promise<EnqueueOutcome[]>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const timeout = new StorageTimeoutError(`${what} did not finish within ${formatNumber(limitMs)} ms (the enqueueTimeoutMs setting of backend "${resolved.alias}").`);
      reject(outcomeUnknown(what, `did not finish within ${formatNumber(limitMs)} ms (its enqueueTimeoutMs)`, params.tasks.length, timeout));
    }, limitMs);
    call.then(
      (outcomes) => {
        if (timedOut) return reportLateSuccess(what, outcomes);
        clearTimeout(timer);
        resolve(outcomes);
      },
      (error: unknown) => {
        if (timedOut) return; // already rejected as unknown; a late failure stored nothing new
        clearTimeout(timer);
        const transient = classifyStorageFault(error) === "transient";
        reject(transient ? outcomeUnknown(what, `failed with a transient storage fault (${storageErrorCause(error).text})`, params.tasks.length, error) : error);
      },
    );
  });
}

function describeEnqueue(taskName: string, count: number, alias: string): string {
  return count === 1 ? `Enqueue of task "${taskName}" in backend "${alias}"` : `Enqueue of ${count} tasks "${taskName}" in backend "${alias}"`;
}

function outcomeUnknown(what: string, reason: string, count: number, cause: unknown): EnqueueOutcomeUnknownError {
  const stored = count === 1 ? "the task may or may not be stored" : "each of the tasks may or may not be stored";
  return new EnqueueOutcomeUnknownError(
    `${what} ${reason}, so ${stored}: the write may have reached storage. ` +
      "To retry safely, enqueue with a unique key, using({ unique: true }) (by name and arguments) or using({ unique: { key: \"...\" } }): " +
      "while a task with that key is READY or RUNNING, the retry returns it instead of storing a second one.",
    { cause },
  );
}

function reportLateSuccess(what: string, outcomes: readonly EnqueueOutcome[]): void {
  const ids = outcomes.filter((outcome) => outcome.created).map((outcome) => outcome.record.id);
  if (ids.length === 0) return;
  getLogger().warn(`${what} finished after its enqueueTimeoutMs and stored ${ids.length} task(s) its caller was told may not be stored.`, {
    ids: ids.slice(0, 10),
  });
}
