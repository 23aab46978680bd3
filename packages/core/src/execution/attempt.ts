import type { AttemptOutcome, Completion } from "../backend.js";
import type { Clock } from "../clock.js";
import type { ResolvedBackend } from "../config.js";
import {
  InvalidTaskError,
  StorageFaultError,
  TaskCancelledError,
  TaskTimeoutError,
  UnknownTaskError,
  WorkerLostError,
  WorkerShutdownError,
} from "../errors.js";
import { describeNonJson, type JsonValue } from "../json.js";
import type { TaskRecord } from "../records.js";
import { findTask } from "../registry.js";
import { TaskResult } from "../result.js";
import type { TaskContext, TaskDefinition } from "../task-types.js";
import { parseArgs } from "../task-checks.js";
import type { AttemptAbort } from "./attempt-abort.js";
import { toErrorRecord } from "./outcome.js";

/** What an attempt needs besides the claimed record. */
export interface AttemptEnvironment {
  readonly resolved: ResolvedBackend;
  readonly clock: Clock;
  readonly workerId: string;
  /** Aborted by the worker on cancel, lost lease or forced shutdown, with one of our errors as reason. */
  readonly abort: AttemptAbort;
}

/** How an attempt ended, before anything is written. */
export type AttemptReport =
  /** Write this completion (guarded by attempt number). */
  | { readonly kind: "complete"; readonly completion: Completion; readonly error?: unknown }
  /** An atomic task already committed its SUCCESSFUL mark (or lost its claim: `applied` false). */
  | { readonly kind: "committed"; readonly applied: boolean; readonly returnValue: JsonValue }
  /** Nothing to write: the task was cancelled or its lease was lost while it ran. */
  | { readonly kind: "abandoned"; readonly reason: unknown };

/**
 * Runs one claimed attempt: finds the task, checks its arguments, runs it (inside a
 * transaction when atomic) under its timeout and abort signal, and decides the outcome.
 * Never throws.
 */
export async function runAttempt(record: TaskRecord, env: AttemptEnvironment): Promise<AttemptReport> {
  const registered = findTask(record.taskName);
  if (!registered) {
    const error = new UnknownTaskError(
      `No task named "${record.taskName}" is registered in this worker. Import the module that defines it (list it in the worker's task modules), or cancel the task.`,
    );
    return finalFailure(record, error);
  }
  const definition = registered.definition;
  let args: unknown[];
  try {
    args = parseArgs(definition, record.args);
  } catch (error) {
    return finalFailure(record, error);
  }

  const { abort } = env;
  // Aborted before it started (a forced stop raced the claim): run nothing. A task that never
  // ran is handed back without using up an attempt, or a stop could fail it for good unrun.
  if (abort.aborted) {
    const reason = abort.reason;
    if (reason instanceof TaskCancelledError || reason instanceof WorkerLostError) return { kind: "abandoned", reason };
    if (reason instanceof WorkerShutdownError) return handBackUncounted(record, reason, env);
    return failure(record, reason, definition, env);
  }
  const timeoutDone = definition.timeoutMs === undefined ? null : new AbortController();
  if (timeoutDone && definition.timeoutMs !== undefined) {
    const limit = definition.timeoutMs;
    void env.clock.sleep(limit, timeoutDone.signal).then(() => {
      if (!timeoutDone.signal.aborted && !abort.aborted) {
        abort.abort(new TaskTimeoutError(`Task "${record.taskName}" ran longer than its timeout of ${limit} ms and was aborted.`));
      }
    });
  }

  try {
    if (definition.atomic) {
      const atomic = env.resolved.backend.completeAtomically;
      if (!atomic) throw new InvalidTaskError(`Backend "${env.resolved.alias}" cannot run atomic task "${record.taskName}".`);
      const committed = await untilAborted(
        atomic.call(env.resolved.backend, {
          backend: env.resolved.alias,
          id: record.id,
          attempt: record.attempts,
          now: () => env.clock.now(),
          signal: abort.signal,
          run: async (transaction) => checkReturn(record, await invoke(definition, record, env, args, transaction)),
        }),
        abort,
      );
      return { kind: "committed", applied: committed.applied, returnValue: committed.returnValue };
    }
    const invoked = invoke(definition, record, env, args, undefined);
    // A task that returned synchronously has nothing left to race against its signal.
    const value = isThenable(invoked) ? await untilAborted(Promise.resolve(invoked), abort) : invoked;
    const returnValue = checkReturnOrNull(record, value);
    if (typeof returnValue === "string") return finalFailure(record, new InvalidTaskError(returnValue));
    return { kind: "complete", completion: { id: record.id, attempt: record.attempts, outcome: { status: "SUCCESSFUL", returnValue: returnValue.value } } };
  } catch (thrown) {
    const error = abort.aborted ? abort.reason : thrown;
    if (error instanceof TaskCancelledError || error instanceof WorkerLostError) return { kind: "abandoned", reason: error };
    if (error instanceof NonJsonReturnError) return finalFailure(record, new InvalidTaskError(error.message));
    if (error instanceof StorageFaultError) return handBackUncounted(record, error, env);
    return failure(record, error, definition, env);
  } finally {
    timeoutDone?.abort();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

function invoke(definition: TaskDefinition, record: TaskRecord, env: AttemptEnvironment, args: unknown[], transaction: unknown): unknown {
  if (!definition.takesContext) return definition.fn(...args);
  const { abort } = env;
  const context: TaskContext = {
    taskResult: new TaskResult(record),
    attempt: record.attempts,
    scheduledFor: record.scheduledFor,
    // Made on first read: most tasks never look at their signal.
    get signal() {
      return abort.signal;
    },
    workerId: env.workerId,
    transaction,
  };
  return definition.fn(context, ...args);
}

class NonJsonReturnError extends Error {}

function checkReturnOrNull(record: TaskRecord, value: unknown): { value: JsonValue } | string {
  if (value === undefined) return { value: null };
  const problem = describeNonJson(value, "the return value");
  if (problem) return `Task "${record.taskName}" returned a value that cannot be stored: ${problem}. Return JSON values only.`;
  return { value: value as JsonValue };
}

function checkReturn(record: TaskRecord, value: unknown): JsonValue {
  const checked = checkReturnOrNull(record, value);
  if (typeof checked === "string") throw new NonJsonReturnError(checked);
  return checked.value;
}

/** Resolves or rejects with `promise`, or rejects with the abort reason once the attempt aborts. */
function untilAborted<T>(promise: Promise<T>, abort: AttemptAbort): Promise<T> {
  if (abort.aborted) {
    promise.catch(() => {});
    return Promise.reject(abort.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = abort.onAbort(reject);
    promise.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}

function finalFailure(record: TaskRecord, error: unknown): AttemptReport {
  return complete(record, { status: "FAILED", error: toErrorRecord(error) }, error);
}

function failure(record: TaskRecord, error: unknown, definition: TaskDefinition, env: AttemptEnvironment): AttemptReport {
  const attemptsLeft = record.attempts < record.maxAttempts;
  if (!attemptsLeft) return finalFailure(record, error);
  const delayMs = error instanceof WorkerShutdownError ? 0 : retryDelay(definition, env.resolved, record.attempts, error);
  const runAfter = new Date(env.clock.now().getTime() + delayMs);
  return complete(record, { status: "READY", error: toErrorRecord(error), runAfter }, error);
}

/** Longest retry delay a backoff function can ask for (one day). */
export const MAX_RETRY_DELAY_MS = 86_400_000;

/** Runs of one task that storage faults and forced stops may add beyond its `maxAttempts` (see handBackUncounted). */
export const MAX_STORAGE_FAULT_RERUNS = 10;

/**
 * Hands the task back to run again, whether or not attempts remain, for runs that were not the
 * task's fault: the storage connection failed inside an atomic task's transaction (nothing of
 * the attempt committed), or a forced stop caught a claim in flight (the task never started).
 * Capped, so a task whose own transaction keeps breaking its connection still ends.
 */
function handBackUncounted(record: TaskRecord, error: StorageFaultError | WorkerShutdownError, env: AttemptEnvironment): AttemptReport {
  if (record.attempts >= record.maxAttempts + MAX_STORAGE_FAULT_RERUNS) return finalFailure(record, error);
  return complete(record, { status: "READY", error: toErrorRecord(error), runAfter: env.clock.now() }, error);
}

function retryDelay(definition: TaskDefinition, resolved: ResolvedBackend, attempts: number, error: unknown): number {
  const backoff = definition.backoff ?? resolved.backoff;
  try {
    const delay = backoff(attempts, error);
    // Capped at a day: a runAfter past what storage can hold would fail the write forever.
    return Number.isFinite(delay) && delay > 0 ? Math.min(delay, MAX_RETRY_DELAY_MS) : 0;
  } catch {
    return resolved.backoff(attempts, error);
  }
}

function complete(record: TaskRecord, outcome: AttemptOutcome, error: unknown): AttemptReport {
  return { kind: "complete", completion: { id: record.id, attempt: record.attempts, outcome }, error };
}
