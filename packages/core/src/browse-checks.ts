/**
 * Checks of the parameters of the browse operations (`listTasks`, `retryTasks`, `deleteTasks`,
 * `countFinished`), shared by every backend (`@tasks/core/backend`): a backend called directly,
 * not through core's functions, still rejects malformed params with a clear error.
 */
import type { ListTasksParams, CountFinishedParams, TaskListCursor, ArgsSearchValue } from "./browse-contract.js";
import { MAX_IDS_PER_CALL, MAX_LIST_LIMIT, MAX_THROUGHPUT_BUCKETS } from "./browse.js";
import { TasksError } from "./errors.js";
import { ALL_STATUSES } from "./status.js";

const KNOWN_STATUSES: ReadonlySet<string> = new Set(ALL_STATUSES);

/** Throws a clear error unless `params` of `listTasks()` are well formed. */
export function checkListTasksParams(params: ListTasksParams): void {
  const op = "listTasks()";
  if (params.order !== "enqueued" && params.order !== "finished") {
    throw new TasksError(`${op}: "order" must be "enqueued" or "finished" (got ${describe(params.order)}).`);
  }
  if (params.direction !== "asc" && params.direction !== "desc") {
    throw new TasksError(`${op}: "direction" must be "asc" or "desc" (got ${describe(params.direction)}).`);
  }
  if (!Number.isInteger(params.limit) || params.limit < 1 || params.limit > MAX_LIST_LIMIT) {
    throw new TasksError(`${op}: "limit" must be a whole number from 1 to ${MAX_LIST_LIMIT} (got ${describe(params.limit)}).`);
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
  if (ids !== undefined) checkTaskIds(op, "filter.ids", ids);
  if (from !== undefined) checkDateParam(op, "filter.from", from);
  if (until !== undefined) checkDateParam(op, "filter.until", until);
  if (argsValue !== undefined && !isSearchValue(argsValue)) {
    throw new TasksError(`${op}: "filter.argsValue" must be a string, a finite number or a boolean (got ${describe(argsValue)}).`);
  }
  if (params.after !== undefined && params.after !== null) checkCursor(op, params.after, params.order);
}

/** Throws a clear error unless `ids` is an array of 1 to 1,000 strings (the ids of retryTasks() and deleteTasks()). */
export function checkTaskIds(operation: string, name: string, ids: unknown): asserts ids is readonly string[] {
  checkList(operation, name, ids, MAX_IDS_PER_CALL, "task ids");
}

/** Throws a clear error, naming `name`, unless `value` is a valid date. */
export function checkDateParam(operation: string, name: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TasksError(`${operation}: "${name}" must be a valid Date (got ${describe(value)}).`);
}

/** Throws a clear error unless `params` of `countFinished()` are well formed. */
export function checkCountFinishedParams(params: CountFinishedParams): void {
  const op = "countFinished()";
  checkDateParam(op, "since", params.since);
  checkDateParam(op, "until", params.until);
  if (!Number.isInteger(params.bucketMs) || params.bucketMs < 1_000) {
    throw new TasksError(`${op}: "bucketMs" must be a whole number of milliseconds, at least 1000 (got ${describe(params.bucketMs)}).`);
  }
  if (params.until.getTime() <= params.since.getTime()) {
    throw new TasksError(`${op}: "until" (${params.until.toISOString()}) must be after "since" (${params.since.toISOString()}).`);
  }
  const buckets = Math.ceil((params.until.getTime() - params.since.getTime()) / params.bucketMs);
  if (buckets > MAX_THROUGHPUT_BUCKETS) {
    throw new TasksError(`${op}: ${buckets} buckets asked for; at most ${MAX_THROUGHPUT_BUCKETS} per call. Use a wider "bucketMs" or a shorter time range.`);
  }
}

function checkCursor(op: string, after: TaskListCursor, order: ListTasksParams["order"]): void {
  if (typeof after !== "object" || typeof after.id !== "string" || after.id === "") {
    throw new TasksError(`${op}: "after" must be the "next" cursor of the page before, { id, finishedAt } (got ${describe(after)}).`);
  }
  if (order === "finished") checkDateParam(op, "after.finishedAt", after.finishedAt);
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
