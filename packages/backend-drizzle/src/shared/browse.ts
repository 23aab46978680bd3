/**
 * What both dialects share for the browse operations (listTasks, retryTasks, deleteTasks,
 * countFinished): the parameter checks, which table a list reads with which statuses, how a
 * page and its cursor are cut from the rows read, and the search value as a typed literal.
 */
import type {
  ArgsSearchValue,
  CountFinishedParams,
  ListTasksParams,
  TaskListCursor,
  TaskPage,
  TaskRecord,
} from "@tasks/core/backend";
import { ALL_STATUSES, FINISHED_STATUSES, ResultStatus, TasksError } from "@tasks/core/backend";
import { MAX_IDS_PER_CALL, MAX_LIST_LIMIT, MAX_THROUGHPUT_BUCKETS } from "@tasks/core";

/** Core's bounds, which its browse functions check before calling a backend. */
const MAX_PAGE = MAX_LIST_LIMIT;
const MAX_IDS = MAX_IDS_PER_CALL;
const MAX_BUCKETS = MAX_THROUGHPUT_BUCKETS;

const LIVE_STATUSES: readonly ResultStatus[] = [ResultStatus.READY, ResultStatus.RUNNING];
const KNOWN_STATUSES: ReadonlySet<string> = new Set(ALL_STATUSES);

/** The statuses a list reads in one table: every status the table holds (`"any"`), some of them, or none (skip the table). */
export type TableStatuses = "any" | readonly ResultStatus[];

/** Which of the two task tables a list reads, and with which status condition; null: not at all. */
export interface ListTables {
  readonly live: TableStatuses | null;
  readonly finished: TableStatuses | null;
}

/**
 * The tables a list reads: an `"enqueued"` list reads the live tasks (READY, RUNNING) and the
 * finished ones, a `"finished"` list only the finished ones; a status filter drops the table
 * that holds none of its statuses.
 */
export function listTables(params: ListTasksParams): ListTables {
  const statuses = params.filter.statuses;
  const pick = (held: readonly ResultStatus[]): TableStatuses | null => {
    if (!statuses) return "any";
    const wanted = held.filter((status) => statuses.includes(status));
    if (wanted.length === 0) return null;
    return wanted.length === held.length ? "any" : wanted;
  };
  return { live: params.order === "enqueued" ? pick(LIVE_STATUSES) : null, finished: pick(FINISHED_STATUSES) };
}

/**
 * The page of the first `limit` of `records` (read with one more than the limit, in the list's
 * order): its cursor names the last task shown when more follow.
 */
export function pageOf(records: readonly TaskRecord[], params: ListTasksParams): TaskPage {
  const tasks = records.slice(0, params.limit);
  const last = tasks[tasks.length - 1];
  const next: TaskListCursor | null =
    records.length > params.limit && last ? { id: last.id, finishedAt: params.order === "finished" ? last.finishedAt : null } : null;
  return { tasks, next };
}

/**
 * The smallest UUID whose 48-bit time prefix is `date` (or later): every id `newTaskId` makes
 * at or after `date` is at least this, as a process's ids never run behind its clock.
 */
export function firstIdAt(date: Date): string {
  const hex = Math.max(0, Math.min(date.getTime(), 2 ** 48 - 1))
    .toString(16)
    .padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * A SQL/JSON path that is true when `value` is anywhere in a JSON document: the document
 * itself, an element or a property value at any depth. The value is written as a JSON
 * literal, whose escapes (`\"`, `\\`, `\n`, `\u0000`…) are also jsonpath's, so no string can
 * end the literal early; the path goes to Postgres as a bound parameter, never into the SQL.
 */
export function argsValuePath(value: ArgsSearchValue): string {
  return `strict $.** ? (@ == ${JSON.stringify(value)})`;
}

/** Throws a clear error unless `params` of `listTasks()` are well formed. */
export function checkListTasksParams(params: ListTasksParams): void {
  const op = "listTasks()";
  if (params.order !== "enqueued" && params.order !== "finished") {
    throw new TasksError(`${op}: "order" must be "enqueued" or "finished" (got ${describe(params.order)}).`);
  }
  if (params.direction !== "asc" && params.direction !== "desc") {
    throw new TasksError(`${op}: "direction" must be "asc" or "desc" (got ${describe(params.direction)}).`);
  }
  if (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > MAX_PAGE) {
    throw new TasksError(`${op}: "limit" must be a whole number from 1 to ${MAX_PAGE} (got ${describe(params.limit)}).`);
  }
  const filter: unknown = params.filter;
  if (typeof filter !== "object" || filter === null) throw new TasksError(`${op}: "filter" must be an object ({} for every task; got ${describe(filter)}).`);
  const { statuses, queues, taskNames, ids, from, until, argsValue } = params.filter;
  if (statuses !== undefined) {
    checkList(op, "filter.statuses", statuses, ALL_STATUSES.length, "statuses");
    const unknown = statuses.find((status) => !KNOWN_STATUSES.has(status));
    if (unknown !== undefined) throw new TasksError(`${op}: "filter.statuses" holds ${describe(unknown)}, which is no status; use ${ALL_STATUSES.join(", ")}.`);
  }
  if (queues !== undefined) checkList(op, "filter.queues", queues, Infinity, "queue names");
  if (taskNames !== undefined) checkList(op, "filter.taskNames", taskNames, Infinity, "task names");
  if (ids !== undefined) checkIds(op, "filter.ids", ids);
  if (from !== undefined) checkDate(op, "filter.from", from);
  if (until !== undefined) checkDate(op, "filter.until", until);
  if (argsValue !== undefined && !isSearchValue(argsValue)) {
    throw new TasksError(`${op}: "filter.argsValue" must be a string, a finite number or a boolean (got ${describe(argsValue)}).`);
  }
  if (params.after !== undefined && params.after !== null) checkCursor(op, params.after, params.order);
}

/** Throws a clear error unless `ids` is an array of 1 to 1,000 strings (the ids of retryTasks() and deleteTasks()). */
export function checkIds(operation: string, name: string, ids: unknown): asserts ids is readonly string[] {
  checkList(operation, name, ids, MAX_IDS, "task ids");
}

/** Throws a clear error, naming `name`, unless `value` is a valid date. */
export function checkDate(operation: string, name: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TasksError(`${operation}: "${name}" must be a valid Date (got ${describe(value)}).`);
}

/** Throws a clear error unless `params` of `countFinished()` are well formed. */
export function checkCountFinishedParams(params: CountFinishedParams): void {
  const op = "countFinished()";
  checkDate(op, "since", params.since);
  checkDate(op, "until", params.until);
  if (!Number.isInteger(params.bucketMs) || params.bucketMs < 1_000) {
    throw new TasksError(`${op}: "bucketMs" must be a whole number of milliseconds, at least 1000 (got ${describe(params.bucketMs)}).`);
  }
  if (params.until.getTime() <= params.since.getTime()) {
    throw new TasksError(`${op}: "until" (${params.until.toISOString()}) must be after "since" (${params.since.toISOString()}).`);
  }
  const buckets = Math.ceil((params.until.getTime() - params.since.getTime()) / params.bucketMs);
  if (buckets > MAX_BUCKETS) {
    throw new TasksError(`${op}: ${buckets} buckets asked for; at most ${MAX_BUCKETS} per call. Use a wider "bucketMs" or a shorter time range.`);
  }
}

function checkCursor(op: string, after: TaskListCursor, order: ListTasksParams["order"]): void {
  if (typeof after !== "object" || typeof after.id !== "string" || after.id === "") {
    throw new TasksError(`${op}: "after" must be the "next" cursor of the page before, { id, finishedAt } (got ${describe(after)}).`);
  }
  if (order === "finished") checkDate(op, "after.finishedAt", after.finishedAt);
}

function checkList(op: string, name: string, value: unknown, max: number, what: string): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > max || value.some((item) => typeof item !== "string")) {
    const bound = max === Infinity ? "a non-empty array" : `an array of 1 to ${max.toLocaleString("en-US")}`;
    throw new TasksError(`${op}: "${name}" must be ${bound} ${what} (strings), or left out for no filter (got ${describeList(value)}).`);
  }
}

function isSearchValue(value: unknown): value is ArgsSearchValue {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function describeList(value: unknown): string {
  if (!Array.isArray(value)) return describe(value);
  if (value.length === 0) return "an empty array";
  const bad = value.find((item) => typeof item !== "string");
  return bad !== undefined ? `an array holding ${describe(bad)}` : `${value.length} items`;
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString();
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
