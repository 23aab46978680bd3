/**
 * The storage contract between core and a backend — for backend authors.
 *
 * Core owns behaviour (validation, retries, leases, events, the worker loop); a backend owns
 * storage. Every operation takes one params object with the backend alias and `now` passed
 * in, is atomic on its own, and returns plain records. Each operation has a test in the
 * shared conformance suite (`@tasks/backend-conformance`).
 */
import type { BrowseOperations } from "./browse-contract.js";
import type { JsonValue } from "./json.js";
import type { HealthReport, NewTaskRecord, TaskErrorRecord, TaskRecord } from "./records.js";
import type { ResultStatus } from "./status.js";

/** What a backend can do. Core validates tasks against these and rejects what it cannot. */
export interface BackendCapabilities {
  /** Tasks may be deferred with `runAfter`. */
  readonly supportsDefer: boolean;
  /** Claims honour `priority`. */
  readonly supportsPriority: boolean;
  /** Results can be read back by id. */
  readonly supportsGetResult: boolean;
  /** `enqueue` can write inside the application's own transaction (`using({ transaction })`). */
  readonly supportsTransactionalEnqueue: boolean;
  /** `completeAtomically` is implemented: atomic tasks run inside a storage transaction. */
  readonly supportsAtomic: boolean;
  /** Core runs each task inside `enqueue` (DEP 0014's immediate backend). */
  readonly runsOnEnqueue: boolean;
  /** Workers may claim tasks from this backend (false for a store-only dummy). */
  readonly supportsWorkers: boolean;
  /** `registerSchedules`, `enqueueOccurrences` and `listSchedules` are implemented: tasks may have schedules. */
  readonly supportsSchedules: boolean;
  /** `listTasks`, `retryTasks`, `deleteTasks` and `countFinished` are implemented (see `BrowseOperations`): the dashboard works. */
  readonly supportsBrowse: boolean;
}

/** Which queues a claim may take from: `"*"` for all, minus `exclude`. */
export interface QueueSelector {
  readonly include: readonly string[] | "*";
  readonly exclude: readonly string[];
}

/** Params of {@link TaskBackend.enqueue}. */
export interface EnqueueParams {
  readonly backend: string;
  readonly now: Date;
  /** One or more tasks; a backend writes them in one statement where it can. */
  readonly tasks: readonly NewTaskRecord[];
  /** The application's transaction to write in (only if `supportsTransactionalEnqueue`). */
  readonly transaction?: unknown;
}

/** Result of enqueueing one task. */
export interface EnqueueOutcome {
  readonly record: TaskRecord;
  /** False when a READY or RUNNING task already held the `uniqueKey`; `record` is that task. */
  readonly created: boolean;
}

/** Params of {@link TaskBackend.claim}. */
export interface ClaimParams {
  readonly backend: string;
  readonly now: Date;
  readonly workerId: string;
  readonly queues: QueueSelector;
  /** At most this many tasks (≥ 1). */
  readonly limit: number;
  /** Lease length; the lease expires at `now + leaseMs`. */
  readonly leaseMs: number;
  /** Only these ids (used to run one task immediately). */
  readonly ids?: readonly string[];
  /** Claim even before `runAfter` (immediate backends run retries at once). */
  readonly ignoreRunAfter?: boolean;
  /**
   * Only tasks with one of these names (the names the claiming worker has registered); any
   * name when absent. A READY task with another name is left READY for a worker that knows
   * it, so old workers in a rolling deploy never fail task types added by newer code.
   */
  readonly taskNames?: readonly string[];
}

/** A lease a worker holds: task id and the attempt number it claimed (the fencing token). */
export interface LeaseRef {
  readonly id: string;
  readonly attempt: number;
}

/** Params of {@link TaskBackend.heartbeat}. */
export interface HeartbeatParams {
  readonly backend: string;
  readonly now: Date;
  readonly workerId: string;
  /** Leases to extend to `now + leaseMs`. */
  readonly leases: readonly LeaseRef[];
  readonly leaseMs: number;
  /**
   * The task names this worker can run, stored with its liveness so `health()` can tell
   * which READY tasks no live worker can run. Absent: the backend keeps what it had.
   */
  readonly taskNames?: readonly string[];
}

/** A lease the worker no longer holds, with the task's status now (`null` if deleted). */
export interface LostLease {
  readonly id: string;
  readonly status: ResultStatus | null;
}

/** Result of {@link TaskBackend.heartbeat}. */
export interface HeartbeatOutcome {
  readonly lost: LostLease[];
}

/** How an attempt ended, as core decided it. */
export type AttemptOutcome =
  | { readonly status: "SUCCESSFUL"; readonly returnValue: JsonValue }
  | { readonly status: "FAILED"; readonly error: TaskErrorRecord }
  /** A retry: back to READY, not runnable before `runAfter`, with the error recorded. */
  | { readonly status: "READY"; readonly error: TaskErrorRecord; readonly runAfter: Date };

/** One completion: which claim it closes and how. */
export interface Completion {
  readonly id: string;
  /** The attempt number from the claim; the write happens only if it still matches. */
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
}

/** Params of {@link TaskBackend.complete}. */
export interface CompleteParams {
  readonly backend: string;
  readonly now: Date;
  readonly completions: readonly Completion[];
}

/** Result of {@link TaskBackend.complete}: ids whose write happened; the others were ignored. */
export interface CompleteOutcome {
  readonly applied: string[];
}

/** Params of {@link TaskBackend.completeAtomically}. */
export interface CompleteAtomicallyParams {
  readonly backend: string;
  readonly id: string;
  readonly attempt: number;
  /** Called for the time of completion, after `run` returns. */
  readonly now: () => Date;
  /** The task's work: receives the transaction, returns the (JSON-checked) return value. */
  readonly run: (transaction: unknown) => Promise<JsonValue>;
  /**
   * Aborted when the attempt is abandoned (lease lost, cancelled, forced stop). A backend still
   * waiting for a connection to begin the transaction stops waiting and rejects with its reason.
   */
  readonly signal?: AbortSignal;
}

/** Result of {@link TaskBackend.completeAtomically}. */
export interface CompleteAtomicallyOutcome {
  /** False when the claim was lost before commit: everything `run` wrote was rolled back. */
  readonly applied: boolean;
  readonly returnValue: JsonValue;
}

/** Params of {@link TaskBackend.rescueExpired}. */
export interface RescueParams {
  readonly backend: string;
  readonly now: Date;
  readonly limit: number;
  /** Recorded on each rescued task ("worker lost"). */
  readonly error: TaskErrorRecord;
}

/** Params of {@link TaskBackend.cancel}. */
export interface CancelParams {
  readonly backend: string;
  readonly now: Date;
  readonly id: string;
}

/** Params of {@link TaskBackend.deschedule}. */
export interface DescheduleParams {
  readonly backend: string;
  readonly now: Date;
  readonly taskName: string;
  readonly identityHash: string;
}

/** Params of {@link TaskBackend.get}. */
export interface GetParams {
  readonly backend: string;
  readonly id: string;
}

/** Params of {@link TaskBackend.health}. */
export interface HealthParams {
  readonly backend: string;
  readonly now: Date;
  /** How many recent failures to list. */
  readonly recentFailures: number;
  /**
   * `"live"`: count only READY and RUNNING tasks, without reading the finished ones (whose
   * count grows with the table: a monitoring poll or an overview page should not pay for it);
   * the finished statuses then count 0, and queues holding only finished tasks are absent.
   * Everything else in the report is the same. Default `"all"`.
   */
  readonly scope?: "all" | "live";
}

/** What a backend stores about one schedule (see `schedule()` in core). */
export interface ScheduleState {
  /** The schedule's stable name. */
  readonly name: string;
  /**
   * Every occurrence at or before this time is settled: enqueued, or passed over by the
   * schedule's missed-run policy. Only later occurrences may still be enqueued.
   */
  readonly settledThrough: Date;
  /** The occurrence of the latest task this schedule enqueued; `null` if none yet. */
  readonly lastEnqueuedFor: Date | null;
  /** The id of that task; `null` if none yet. */
  readonly lastTaskId: string | null;
}

/** Params of {@link TaskBackend.registerSchedules}. */
export interface RegisterSchedulesParams {
  readonly backend: string;
  readonly now: Date;
  /**
   * Names of the schedules a worker runs. A name with no stored state is stored with
   * `settledThrough = now`: a new schedule starts with the occurrences after it was first seen.
   */
  readonly names: readonly string[];
}

/** One occurrence to enqueue: when it was due and the task to store for it (`scheduledFor` = `at`). */
export interface ScheduledOccurrence {
  readonly at: Date;
  readonly task: NewTaskRecord;
}

/** Params of {@link TaskBackend.enqueueOccurrences}. */
export interface EnqueueOccurrencesParams {
  readonly backend: string;
  readonly now: Date;
  /** The schedule's name. */
  readonly name: string;
  /** After the call, the schedule is settled through at least this time. */
  readonly through: Date;
  /** Oldest first; each is stored only if `at` is later than the stored `settledThrough`. */
  readonly occurrences: readonly ScheduledOccurrence[];
}

/** Result of {@link TaskBackend.enqueueOccurrences}. */
export interface EnqueueOccurrencesOutcome {
  /** The state after the call. */
  readonly state: ScheduleState;
  /** The tasks this call stored, oldest occurrence first (empty when another worker was first). */
  readonly enqueued: TaskRecord[];
}

/** Params of {@link TaskBackend.listSchedules}. */
export interface ListSchedulesParams {
  readonly backend: string;
}

/** Params of {@link TaskBackend.prune}: one chunk of a prune. */
export interface PruneParams {
  readonly backend: string;
  /** SUCCESSFUL and CANCELLED rows finished before this are deleted. */
  readonly finishedBefore: Date;
  /** FAILED rows finished before this are deleted. */
  readonly failedBefore: Date;
  /** Only these queues; all queues when absent. */
  readonly queues?: readonly string[];
  /** Delete at most this many rows in this call. */
  readonly limit: number;
  /** Count what would be deleted (ignoring `limit`) and delete nothing. */
  readonly dryRun: boolean;
}

/** What {@link TaskBackend.verify} found: ready, or the one problem that stops a worker. */
export type StorageCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /**
       * `unreachable`: no connection (refused, timed out, unknown host); `no-database`: the
       * server has no such database (or the file cannot be opened); `access-denied`: the
       * credentials or permissions were refused; `schema-missing`: the task tables do not
       * exist; `schema-outdated`: some bundled migrations are not applied.
       */
      readonly problem: "unreachable" | "no-database" | "access-denied" | "schema-missing" | "schema-outdated";
      /** A full sentence naming the cause and the fix (for example "run `tasks migrate`"); never a password. */
      readonly message: string;
    };

/**
 * The storage operations a backend provides. Implementations must make each call atomic,
 * must never return a task to two claimers, and must write a completion only while the row
 * is RUNNING under the same attempt number.
 */
export interface TaskBackend extends BrowseOperations {
  /** A short name for logs and errors, e.g. `"memory"`, `"postgres"`. */
  readonly kind: string;
  readonly capabilities: BackendCapabilities;

  /** Stores new READY tasks (or finds the active holder of each `uniqueKey`). */
  enqueue(params: EnqueueParams): Promise<EnqueueOutcome[]>;
  /**
   * Claims up to `limit` READY tasks whose `runAfter` has passed, in claim order (priority
   * descending, then runnable time, then id), marks them RUNNING with `attempts + 1`, the
   * worker id appended, `startedAt` (first time), `lastAttemptedAt` and the lease expiry.
   */
  claim(params: ClaimParams): Promise<TaskRecord[]>;
  /** Records the worker as alive and extends the leases it still holds; reports lost ones. */
  heartbeat(params: HeartbeatParams): Promise<HeartbeatOutcome>;
  /** Writes attempt outcomes, each only if the row is RUNNING with the same attempt number. */
  complete(params: CompleteParams): Promise<CompleteOutcome>;
  /**
   * Runs `run` inside a storage transaction and marks the task SUCCESSFUL in the same
   * transaction (guarded like `complete`). If `run` throws, rolls back and rethrows.
   * Required when `capabilities.supportsAtomic`.
   */
  completeAtomically?(params: CompleteAtomicallyParams): Promise<CompleteAtomicallyOutcome>;
  /**
   * Finds RUNNING tasks whose lease expired before `now` (a RUNNING task with no lease expiry
   * counts as expired): READY again when attempts remain, keeping its runnable time so it keeps
   * its place in claim order ahead of tasks enqueued after it, otherwise FAILED; `error` is
   * appended either way. Returns the rows after.
   */
  rescueExpired(params: RescueParams): Promise<TaskRecord[]>;
  /** READY or RUNNING → CANCELLED (finishedAt = now). Returns the row after; null if none. */
  cancel(params: CancelParams): Promise<TaskRecord | null>;
  /** Cancels every READY task with this name and identity hash; returns how many. */
  deschedule(params: DescheduleParams): Promise<number>;
  /** One task by id, or null. */
  get(params: GetParams): Promise<TaskRecord | null>;
  /** Counts and summaries for monitoring. */
  health(params: HealthParams): Promise<HealthReport>;
  /** Deletes one chunk of finished rows; returns how many were (or would be) deleted. */
  prune(params: PruneParams): Promise<number>;
  /** Releases what the backend opened (never what the application passed in). */
  close(): Promise<void>;
  /**
   * Optional wake-up: calls `listener` soon after tasks are enqueued (by any process the
   * backend can hear), so idle workers need not wait for their next poll. Returns an
   * unsubscribe function.
   */
  onTasksAvailable?(listener: (queueName: string) => void): () => void;

  /**
   * Optional start-up check: connects once and confirms that the task tables exist and are
   * up to date. Resolves with the problem instead of throwing, so a worker can exit with one
   * clear message. Backends without storage to check (memory) leave it out.
   */
  verify?(): Promise<StorageCheck>;
  /** Optional: names of the bundled schema migrations not yet applied, oldest first. */
  pendingMigrations?(): Promise<string[]>;
  /** Optional: applies every pending bundled migration; resolves with the names applied (empty when up to date). */
  migrate?(): Promise<string[]>;

  /**
   * Periodic tasks (required when `capabilities.supportsSchedules`). Stores
   * state for new schedule names and returns the state of every name given, in order.
   */
  registerSchedules?(params: RegisterSchedulesParams): Promise<ScheduleState[]>;
  /**
   * In one atomic step: stores the task of each occurrence later than the stored
   * `settledThrough` (an absent state counts as settled through nothing), then moves
   * `settledThrough` to the latest of itself and `through`. Any number of workers may call it
   * for the same occurrences at once; each occurrence becomes exactly one task.
   */
  enqueueOccurrences?(params: EnqueueOccurrencesParams): Promise<EnqueueOccurrencesOutcome>;
  /** Every stored schedule state of the alias (including schedules no longer declared in code), by name. */
  listSchedules?(params: ListSchedulesParams): Promise<ScheduleState[]>;
}
