import type { JsonValue } from "./json.js";
import type { ResultStatus } from "./status.js";

/** One failed attempt, as stored: the error's class name, its message and its stack. */
export interface TaskErrorRecord {
  /** The error's class name (`TypeError`, `TaskTimeoutError`, …). */
  readonly className: string;
  /** The error's message. */
  readonly message: string;
  /** The stack trace as text; empty when the error had none. */
  readonly stack: string;
}

/** What core asks a backend to store for one new task. */
export interface NewTaskRecord {
  /** Time-ordered unique id (UUIDv7) made by core. */
  readonly id: string;
  readonly taskName: string;
  readonly queueName: string;
  /** Integer from −100 to 100; higher runs first. */
  readonly priority: number;
  /** The task's arguments, already checked to be JSON values. */
  readonly args: JsonValue[];
  /** Not claimable before this time; `null` when not deferred. */
  readonly runAfter: Date | null;
  /** How many attempts the task may use in all (≥ 1). */
  readonly maxAttempts: number;
  /** Hash of task name and arguments, used by `deschedule`. */
  readonly identityHash: string;
  /** When set, at most one READY or RUNNING row of the backend may hold this key. */
  readonly uniqueKey: string | null;
  /** The occurrence of a schedule this task was enqueued for; `null` for tasks not enqueued by a schedule. */
  readonly scheduledFor: Date | null;
  /**
   * The propagation fields of the trace that enqueued the task (W3C `traceparent` and
   * `tracestate`, as an OpenTelemetry propagator writes them), so the attempt's span can link
   * to it across processes; `null` when no tracing was active. At most 8 fields, each name
   * and value a string of at most 512 characters.
   */
  readonly traceContext: Readonly<Record<string, string>> | null;
}

/** A stored task as a backend returns it: plain data, never a database row object. */
export interface TaskRecord extends NewTaskRecord {
  /** Alias of the backend the task belongs to. */
  readonly backend: string;
  readonly status: ResultStatus;
  readonly enqueuedAt: Date;
  /** When the first attempt started. */
  readonly startedAt: Date | null;
  /** When the task reached SUCCESSFUL, FAILED or CANCELLED. */
  readonly finishedAt: Date | null;
  /** When the latest attempt started. */
  readonly lastAttemptedAt: Date | null;
  /** Attempts started so far; also the fencing token of the current claim. */
  readonly attempts: number;
  /** Id of the worker of each attempt, in order. */
  readonly workerIds: string[];
  /** One entry per failed attempt, in order. */
  readonly errors: TaskErrorRecord[];
  /** The task's return value once SUCCESSFUL; `null` otherwise. */
  readonly returnValue: JsonValue;
  /** Lease expiry while RUNNING; `null` otherwise. */
  readonly leaseExpiresAt: Date | null;
}

/** Counts of tasks per status. */
export type StatusCounts = Record<ResultStatus, number>;

/** A RUNNING task, as `health()` lists it. */
export interface RunningTaskSummary {
  readonly id: string;
  readonly taskName: string;
  readonly queueName: string;
  readonly workerId: string | null;
  readonly startedAt: Date | null;
  readonly leaseExpiresAt: Date | null;
}

/** A recently FAILED task, as `health()` lists it. */
export interface FailedTaskSummary {
  readonly id: string;
  readonly taskName: string;
  readonly queueName: string;
  readonly finishedAt: Date | null;
  readonly error: TaskErrorRecord | null;
}

/** A worker that sent a heartbeat whose lease has not run out. */
export interface LiveWorkerSummary {
  readonly workerId: string;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  /** The task names the worker reported it can run; `null` if it never said (older workers). */
  readonly taskNames: string[] | null;
}

/** READY tasks of one name and queue that no live worker has registered, as `health()` lists them. */
export interface UnrunnableTaskSummary {
  readonly taskName: string;
  readonly queueName: string;
  /** How many such READY tasks there are. */
  readonly count: number;
}

/** What a backend reports for monitoring and alerting. */
export interface HealthReport {
  /** Counts by queue name, then by status. Queues with no rows are absent. */
  readonly queues: Record<string, StatusCounts>;
  /** Age in milliseconds of the oldest READY task that is runnable now; `null` if none. */
  readonly oldestReadyAgeMs: number | null;
  /**
   * The same age per queue name: how long the oldest READY task of each queue has been
   * runnable. Queues with no READY task runnable now are absent.
   */
  readonly readyAgeByQueue: Record<string, number>;
  readonly running: RunningTaskSummary[];
  /** Most recent failures, newest first. */
  readonly recentFailures: FailedTaskSummary[];
  readonly workers: LiveWorkerSummary[];
  /**
   * READY tasks whose name no live worker reported (see {@link LiveWorkerSummary.taskNames}):
   * work that waits for a deploy. Live workers that never reported names count as able to run
   * anything. With no live worker at all, every READY task name is listed.
   */
  readonly unrunnable: UnrunnableTaskSummary[];
}
