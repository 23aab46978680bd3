/** Base class of every error this library throws on purpose. */
export class TasksError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A task definition, its overrides or its arguments are not valid. */
export class InvalidTaskError extends TasksError {}

/** A backend alias is unknown, or a backend cannot do what was asked of it. */
export class InvalidTaskBackendError extends TasksError {}

/** No stored task has the requested id. */
export class TaskResultDoesNotExistError extends TasksError {}

/** The stored task with that id belongs to a different task definition. */
export class TaskResultMismatchError extends TasksError {}

/** `returnValue` was read before the task finished. */
export class TaskNotFinishedError extends TasksError {}

/** `returnValue` was read on a task that FAILED or was CANCELLED. */
export class TaskFailedError extends TasksError {}

/** A worker found a stored task whose name no loaded module registered. */
export class UnknownTaskError extends TasksError {}

/** A task ran past its `timeoutMs`. */
export class TaskTimeoutError extends TasksError {}

/** A task's lease ran out (its worker stopped or lost touch) and it was rescued. */
export class WorkerLostError extends TasksError {}

/** A running task was cancelled. */
export class TaskCancelledError extends TasksError {}

/** A running task was handed back because its worker was shutting down. */
export class WorkerShutdownError extends TasksError {}

/**
 * A worker's storage call (claim, heartbeat, result write, rescue) did not finish within the
 * worker's `storageTimeoutMs`. Treated like any transient storage failure: the worker retries.
 */
export class StorageTimeoutError extends TasksError {
  /** A stable code, so log lines that name an error's code name this one too. */
  readonly code = "STORAGE_TIMEOUT";
}

/** Configuration passed to `configureTasks` is not valid. */
export class InvalidConfigurationError extends TasksError {}

/**
 * The connection to storage failed while a backend ran an operation that commits as a whole
 * (an atomic task's transaction), so nothing of it was stored. Not the task's fault: the worker
 * runs the task again without counting the attempt against `maxAttempts`.
 */
export class StorageFaultError extends TasksError {
  /** A stable code, so log lines that name an error's code name this one too. */
  readonly code = "STORAGE_FAULT";
}

/**
 * An enqueue's connection failed (or the call outlasted its time limit) after the write may
 * have reached storage: the task may or may not be stored. Retry with the same unique key
 * (`using({ unique: true })` or `using({ unique: { key } })`) so a retry cannot store it twice.
 */
export class EnqueueOutcomeUnknownError extends TasksError {
  /** A stable code, so log lines that name an error's code name this one too. */
  readonly code = "ENQUEUE_OUTCOME_UNKNOWN";
}
