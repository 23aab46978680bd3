/**
 * Listing, searching, retrying and deleting stored tasks — what the dashboard and other
 * operator tools call. Each function checks its input and names the bad field, so a backend
 * only ever receives well-formed params.
 */
import type { ArgsSearchValue, FinishedCount, TaskFilter, TaskListCursor, TaskListOrder } from "./browse-contract.js";
import { DEFAULT_BACKEND_ALIAS, getBackend, getClock, type ResolvedBackend } from "./config.js";
import { InvalidTaskError } from "./errors.js";
import { TaskResult } from "./result.js";
import { ALL_STATUSES, type ResultStatus } from "./status.js";
import { describe, validateQueueName, validateTaskName } from "./validation.js";

/** Most tasks one {@link listTasks} page holds. */
export const MAX_LIST_LIMIT = 500;
/** Most ids one {@link retryTasks} or {@link deleteTasks} call (or an `ids` filter) takes. */
export const MAX_IDS_PER_CALL = 1000;
/** Most buckets one {@link finishedThroughput} call counts. */
export const MAX_THROUGHPUT_BUCKETS = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Options of {@link listTasks}: the filter, the order and the page. */
export interface ListTasksOptions extends TaskFilter {
  readonly backend?: string;
  /** Default `"enqueued"`. */
  readonly order?: TaskListOrder;
  /** Default `"desc"` (newest first). */
  readonly direction?: "asc" | "desc";
  /** Tasks per page, 1 to {@link MAX_LIST_LIMIT}. Default 50. */
  readonly limit?: number;
  /** The `next` of the page before; absent or `null` for the first page. */
  readonly after?: TaskListCursor | null;
}

/** One page of {@link listTasks}. */
export interface TaskResultPage {
  readonly tasks: TaskResult[];
  /**
   * Pass as `after` for the next page; `null` on the last page. An argument search may stop
   * before the page is full (see `TaskPage` in the backend contract): keep following `next`
   * until it is `null`, even after a short or empty page.
   */
  readonly next: TaskListCursor | null;
}

/**
 * One page of the stored tasks that match the filter, in enqueue order (every task) or finish
 * order (finished tasks only). Pages are keyset-paged: walking them with `next` lists each
 * task once even while tasks are enqueued and finish.
 */
export async function listTasks(options: ListTasksOptions = {}): Promise<TaskResultPage> {
  const where = "listTasks()";
  const resolved = browsable(options.backend, where);
  const order = options.order ?? "enqueued";
  if (order !== "enqueued" && order !== "finished") fail(where, "order", `"enqueued" or "finished"`, order);
  const direction = options.direction ?? "desc";
  if (direction !== "asc" && direction !== "desc") fail(where, "direction", `"asc" or "desc"`, direction);
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) fail(where, "limit", `a whole number from 1 to ${MAX_LIST_LIMIT}`, limit);
  const after = options.after ?? null;
  if (after !== null) checkCursor(after, order, where);
  const page = await resolved.backend.listTasks!({
    backend: resolved.alias,
    filter: checkedFilter(options, where),
    order,
    direction,
    limit,
    after,
  });
  return { tasks: page.tasks.map((record) => new TaskResult(record)), next: page.next };
}

/**
 * Runs FAILED or CANCELLED tasks again, as a new attempt of the same result: the same id,
 * arguments and history, READY now, with at least one attempt left. Other ids (unknown,
 * READY, RUNNING, SUCCESSFUL, or a task whose unique key an active task holds) are left as
 * they are. Returns the tasks retried.
 */
export async function retryTasks(ids: readonly string[], backend: string = DEFAULT_BACKEND_ALIAS): Promise<TaskResult[]> {
  const resolved = browsable(backend, "retryTasks()");
  const records = await resolved.backend.retryTasks!({ backend: resolved.alias, now: getClock().now(), ids: checkIds(ids, "retryTasks()", "ids") });
  return records.map((record) => new TaskResult(record));
}

/** Deletes the finished tasks among `ids` (READY and RUNNING tasks are never deleted); returns the ids deleted. */
export async function deleteTasks(ids: readonly string[], backend: string = DEFAULT_BACKEND_ALIAS): Promise<string[]> {
  const resolved = browsable(backend, "deleteTasks()");
  return resolved.backend.deleteTasks!({ backend: resolved.alias, ids: checkIds(ids, "deleteTasks()", "ids") });
}

/** Options of {@link finishedThroughput}. */
export interface ThroughputOptions {
  readonly backend?: string;
  readonly since: Date;
  /** Default: now. */
  readonly until?: Date;
  /** Bucket width in milliseconds (≥ 1,000). Default one minute. */
  readonly bucketMs?: number;
}

/** How many tasks finished per time bucket, queue and status (buckets with none are absent), oldest first. */
export async function finishedThroughput(options: ThroughputOptions): Promise<FinishedCount[]> {
  const where = "finishedThroughput()";
  const resolved = browsable(options.backend, where);
  const until = options.until ?? getClock().now();
  checkDate(options.since, where, "since");
  checkDate(until, where, "until");
  const bucketMs = options.bucketMs ?? 60_000;
  if (!Number.isInteger(bucketMs) || bucketMs < 1000) fail(where, "bucketMs", "a whole number of milliseconds ≥ 1000", bucketMs);
  const span = until.getTime() - options.since.getTime();
  if (span <= 0) fail(where, "until", `a time after "since" (${options.since.toISOString()})`, until);
  if (span / bucketMs > MAX_THROUGHPUT_BUCKETS) {
    throw new InvalidTaskError(`${where}: ${Math.ceil(span / bucketMs)} buckets asked; at most ${MAX_THROUGHPUT_BUCKETS}. Use a shorter range or a larger bucketMs.`);
  }
  const counts = await resolved.backend.countFinished!({ backend: resolved.alias, since: options.since, until, bucketMs });
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...counts].sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime() || text(a.queueName, b.queueName) || text(a.status, b.status));
}

function browsable(alias: string | undefined, where: string): ResolvedBackend {
  const resolved = getBackend(alias ?? DEFAULT_BACKEND_ALIAS);
  if (!resolved.backend.capabilities.supportsBrowse) {
    throw new InvalidTaskError(
      `${where}: backend "${resolved.alias}" (${resolved.backend.kind}) cannot list, retry or delete stored tasks (supportsBrowse is false); use a Postgres, SQLite or memory backend.`,
    );
  }
  return resolved;
}

function checkedFilter(options: TaskFilter, where: string): TaskFilter {
  const filter: { -readonly [K in keyof TaskFilter]: TaskFilter[K] } = {};
  if (options.statuses !== undefined) {
    nonEmptyArray(options.statuses, where, "statuses");
    for (const status of options.statuses) {
      if (!ALL_STATUSES.includes(status)) fail(where, "statuses", `statuses among ${ALL_STATUSES.join(", ")}`, status);
    }
    filter.statuses = [...new Set<ResultStatus>(options.statuses)];
  }
  if (options.queues !== undefined) {
    nonEmptyArray(options.queues, where, "queues");
    for (const queue of options.queues) validateQueueName(queue, where);
    filter.queues = [...new Set(options.queues)];
  }
  if (options.taskNames !== undefined) {
    nonEmptyArray(options.taskNames, where, "taskNames");
    for (const name of options.taskNames) validateTaskName(name);
    filter.taskNames = [...new Set(options.taskNames)];
  }
  if (options.ids !== undefined) {
    filter.ids = checkIds(options.ids, where, "ids");
  }
  if (options.from !== undefined) filter.from = checkDate(options.from, where, "from");
  if (options.until !== undefined) filter.until = checkDate(options.until, where, "until");
  if (options.argsValue !== undefined) filter.argsValue = checkArgsValue(options.argsValue, where);
  return filter;
}

function checkArgsValue(value: unknown, where: string): ArgsSearchValue {
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  return fail(where, "argsValue", "a string, a finite number or a boolean", value);
}

function checkCursor(cursor: TaskListCursor, order: TaskListOrder, where: string): void {
  if (typeof cursor !== "object" || cursor === null || typeof cursor.id !== "string" || !UUID.test(cursor.id)) {
    fail(where, "after", "the `next` cursor of a page (an object with a task id)", cursor);
  }
  if (order === "finished" && !(cursor.finishedAt instanceof Date && Number.isFinite(cursor.finishedAt.getTime()))) {
    fail(where, "after.finishedAt", "a valid Date: the cursor must come from a list in finish order", cursor.finishedAt);
  }
}

/** The ids, lower-cased and without repeats, after checking each is a UUID. */
function checkIds(ids: readonly string[], where: string, field: string): string[] {
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS_PER_CALL) {
    fail(where, field, `an array of 1 to ${MAX_IDS_PER_CALL} task ids`, ids);
  }
  for (const id of ids) {
    if (typeof id !== "string" || !UUID.test(id)) fail(where, field, "task ids (UUIDs such as 0190f3c2-7b1e-7a00-8c41-5d2b9e6f0a11)", id);
  }
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

function checkDate(value: unknown, where: string, field: string): Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) fail(where, field, "a valid Date", value);
  return value as Date;
}

function nonEmptyArray(value: unknown, where: string, field: string): void {
  if (!Array.isArray(value) || value.length === 0) fail(where, field, "a non-empty array (leave it out to not filter)", value);
}

function fail(where: string, field: string, expected: string, got: unknown): never {
  throw new InvalidTaskError(`${where}: ${field} must be ${expected} (got ${describe(got)}).`);
}
