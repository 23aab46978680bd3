/**
 * The storage operations behind the dashboard and other operator tools — for backend authors.
 * They list, search, retry and delete stored tasks and count finished ones. Every backend that
 * sets `capabilities.supportsBrowse` implements all four; each has tests in the shared
 * conformance suite.
 */
import type { TaskRecord } from "./records.js";
import type { ResultStatus } from "./status.js";

/** What a task list is ordered by. */
export type TaskListOrder =
  /** Enqueue order, which is id order: ids are UUIDv7 made at enqueue. Every task is listed. */
  | "enqueued"
  /** `finishedAt`, then id. Only finished tasks (SUCCESSFUL, FAILED, CANCELLED) are listed. */
  | "finished";

/** A scalar that {@link TaskFilter.argsValue} looks for inside a task's arguments. */
export type ArgsSearchValue = string | number | boolean;

/**
 * Which tasks a list or a bulk action covers. Every field narrows the list; an absent field
 * does not filter. The fields combine with AND, the values inside one array with OR.
 */
export interface TaskFilter {
  /** Only these statuses (non-empty when given). In a `"finished"` list, READY and RUNNING select nothing. */
  readonly statuses?: readonly ResultStatus[];
  /** Only these queues (non-empty when given). */
  readonly queues?: readonly string[];
  /** Only tasks with these names (non-empty when given). */
  readonly taskNames?: readonly string[];
  /** Only these ids (1 to 1,000 when given). */
  readonly ids?: readonly string[];
  /**
   * Only tasks whose time for the list's order is at or after this: for `"enqueued"` the
   * enqueue time as the task's UUIDv7 id holds it (its millisecond prefix, made from the
   * enqueue clock), for `"finished"` the finish time.
   */
  readonly from?: Date;
  /** Only tasks whose time for the list's order is before this. */
  readonly until?: Date;
  /**
   * Only tasks with this value somewhere in their arguments: an argument equal to it, or an
   * element or property value at any depth inside an argument equal to it. Strings match
   * exactly (case and all); `1` and `"1"` are different values.
   */
  readonly argsValue?: ArgsSearchValue;
}

/**
 * Where a page of a task list starts: just after the last task of the page before, in the
 * list's order. `finishedAt` is that task's finish time for `"finished"` lists, `null` otherwise.
 */
export interface TaskListCursor {
  readonly id: string;
  readonly finishedAt: Date | null;
}

/** Params of {@link BrowseOperations.listTasks}. */
export interface ListTasksParams {
  readonly backend: string;
  readonly filter: TaskFilter;
  readonly order: TaskListOrder;
  /** `"desc"`: newest first. */
  readonly direction: "asc" | "desc";
  /** At most this many tasks (1 to 500). */
  readonly limit: number;
  /**
   * Continue after this task (keyset paging). A task enqueued or finished while paging is
   * listed at most once: after the cursor in `"asc"` (at the end), never in `"desc"`.
   */
  readonly after?: TaskListCursor | null;
}

/**
 * One page of a task list. A page holds `limit` tasks unless it is the last one, with one
 * exception: a backend may stop an argument search (`argsValue`) after reading a bounded number
 * of tasks that no index narrows, so that no call reads a whole table. Such a page holds the
 * matches found so far, maybe none, and `next` resumes the search where it stopped.
 */
export interface TaskPage {
  readonly tasks: TaskRecord[];
  /**
   * The cursor for the next page; `null` exactly when no task follows this page (a full last
   * page too). After a page an argument search left short, the next page may be empty and last.
   */
  readonly next: TaskListCursor | null;
}

/** Params of {@link BrowseOperations.retryTasks}. */
export interface RetryTasksParams {
  readonly backend: string;
  readonly now: Date;
  /** 1 to 1,000 ids. */
  readonly ids: readonly string[];
}

/** Params of {@link BrowseOperations.deleteTasks}. */
export interface DeleteTasksParams {
  readonly backend: string;
  /** 1 to 1,000 ids. */
  readonly ids: readonly string[];
}

/** Params of {@link BrowseOperations.countFinished}. */
export interface CountFinishedParams {
  readonly backend: string;
  /** Start of the first bucket (inclusive). */
  readonly since: Date;
  /** End of the last bucket (exclusive). */
  readonly until: Date;
  /** Bucket width in milliseconds (≥ 1,000); buckets start at `since`, `since + bucketMs`, …. */
  readonly bucketMs: number;
}

/** How many tasks of one queue finished with one status in one time bucket. Buckets with no task are absent. */
export interface FinishedCount {
  /** The bucket's start. */
  readonly bucketStart: Date;
  readonly queueName: string;
  readonly status: "SUCCESSFUL" | "FAILED" | "CANCELLED";
  readonly count: number;
}

/** The browse operations of {@link TaskBackend} (required when `capabilities.supportsBrowse`). */
export interface BrowseOperations {
  /** One page of the tasks the filter selects, in the order asked. */
  listTasks?(params: ListTasksParams): Promise<TaskPage>;
  /**
   * Each FAILED or CANCELLED task among `ids` becomes READY again, as a new attempt of the same
   * result: same id, arguments and history (errors and worker ids kept); runnable now;
   * `runAfter` set to `now` (it queues behind the tasks already runnable, and its READY age
   * starts at the retry); `finishedAt` and `returnValue` cleared; `maxAttempts` raised to `attempts + 1`
   * when no attempt was left; `leaseExpiresAt` cleared. A task whose `uniqueKey` an active task
   * holds is left as it is; of several among `ids` sharing a `uniqueKey`, only the oldest
   * (lowest id) is retried. Returns the rows retried, in no particular order; ids of other
   * tasks (any other status, unknown) are ignored.
   */
  retryTasks?(params: RetryTasksParams): Promise<TaskRecord[]>;
  /**
   * Deletes the finished tasks (SUCCESSFUL, FAILED, CANCELLED) among `ids`; returns their ids
   * in no particular order. READY and RUNNING tasks are never deleted.
   */
  deleteTasks?(params: DeleteTasksParams): Promise<string[]>;
  /**
   * Finished tasks per time bucket and status, for throughput charts, in any order. A task
   * finished at `t` counts in the bucket starting at `since + floor((t − since) / bucketMs) × bucketMs`.
   */
  countFinished?(params: CountFinishedParams): Promise<FinishedCount[]>;
}
