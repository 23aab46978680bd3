import {
  compareListPositions,
  idTimeMs,
  isFinishedStatus,
  type ArgsSearchValue,
  type CountFinishedParams,
  type DeleteTasksParams,
  type FinishedCount,
  type JsonValue,
  type ListTasksParams,
  type RetryTasksParams,
  type TaskFilter,
  type TaskListCursor,
  type TaskPage,
  type TaskRecord,
} from "@tasks/core/backend";
import { copyRecord, type Row } from "./rows.js";
import type { MemoryStore } from "./store.js";

/**
 * One page of the alias's rows that match the filter, in enqueue (id) order or finish order
 * (`finishedAt`, then id; finished rows only), starting just after the cursor. One row more
 * than `limit` is looked at, so `next` is `null` exactly when nothing follows the page.
 */
export function listTasks(store: MemoryStore, params: ListTasksParams): TaskPage {
  const { order, direction, limit, after } = params;
  const sign = direction === "asc" ? 1 : -1;
  const matches = [...store.partition(params.backend).rows.values()]
    .filter((row) => (order === "enqueued" || isFinished(row)) && matchesFilter(row, params.filter, order))
    .filter((row) => !after || sign * compareListPositions(row, after, order) > 0)
    .sort((a, b) => sign * compareListPositions(a, b, order));
  const page = matches.slice(0, limit);
  const last = page.at(-1);
  return {
    tasks: page.map(copyRecord),
    next: matches.length > limit && last ? cursorOf(last, order) : null,
  };
}

/**
 * Each FAILED or CANCELLED row among `ids` becomes READY again as a new attempt of the same
 * result. Rows are taken oldest (lowest id) first, so when several share a `uniqueKey` only
 * the oldest is retried; a row whose key an active row holds is left as it is.
 */
export function retryTasks(store: MemoryStore, params: RetryTasksParams): TaskRecord[] {
  const partition = store.partition(params.backend);
  const candidates = [...new Set(params.ids)]
    .map((id) => partition.rows.get(id))
    .filter((row): row is Row => row !== undefined && (row.status === "FAILED" || row.status === "CANCELLED"))
    .sort((a, b) => compareIds(a.id, b.id));
  const retried: TaskRecord[] = [];
  for (const row of candidates) {
    if (row.uniqueKey !== null && partition.activeHolder(row.uniqueKey)) continue;
    row.status = "READY";
    row.finishedAt = null;
    row.returnValue = null;
    // Runnable from the retry on: it queues behind tasks already waiting, and its READY age starts now.
    row.runAfter = new Date(params.now.getTime());
    row.leaseExpiresAt = null;
    if (row.attempts >= row.maxAttempts) row.maxAttempts = row.attempts + 1;
    if (row.uniqueKey !== null) partition.uniqueKeys.set(row.uniqueKey, row.id);
    retried.push(copyRecord(row));
  }
  return retried;
}

/** Deletes the finished rows among `ids`; returns their ids. READY and RUNNING rows stay. */
export function deleteTasks(store: MemoryStore, params: DeleteTasksParams): string[] {
  const partition = store.partition(params.backend);
  const deleted: string[] = [];
  for (const id of new Set(params.ids)) {
    const row = partition.rows.get(id);
    if (!row || !isFinished(row)) continue;
    partition.delete(row);
    deleted.push(id);
  }
  return deleted;
}

/**
 * Finished rows per bucket (`since + k × bucketMs`), queue and status, for rows finished in
 * [since, until); ordered by bucket start, queue, then status. Buckets with no row are absent.
 */
export function countFinished(store: MemoryStore, params: CountFinishedParams): FinishedCount[] {
  const since = params.since.getTime();
  const until = params.until.getTime();
  const counts = new Map<string, { bucketStart: number; queueName: string; status: FinishedCount["status"]; count: number }>();
  for (const row of store.partition(params.backend).rows.values()) {
    if (!isFinished(row) || row.finishedAt === null) continue;
    const finished = row.finishedAt.getTime();
    if (finished < since || finished >= until) continue;
    const bucketStart = since + Math.floor((finished - since) / params.bucketMs) * params.bucketMs;
    const status = row.status as FinishedCount["status"];
    const key = JSON.stringify([bucketStart, row.queueName, status]);
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { bucketStart, queueName: row.queueName, status, count: 1 });
  }
  return [...counts.values()]
    .sort((a, b) => a.bucketStart - b.bucketStart || compareIds(a.queueName, b.queueName) || compareIds(a.status, b.status))
    .map((entry) => ({ bucketStart: new Date(entry.bucketStart), queueName: entry.queueName, status: entry.status, count: entry.count }));
}

function matchesFilter(row: Row, filter: TaskFilter, order: ListTasksParams["order"]): boolean {
  if (filter.statuses && !filter.statuses.includes(row.status)) return false;
  if (filter.queues && !filter.queues.includes(row.queueName)) return false;
  if (filter.taskNames && !filter.taskNames.includes(row.taskName)) return false;
  if (filter.ids && !filter.ids.includes(row.id)) return false;
  if (filter.from || filter.until) {
    const time = order === "enqueued" ? idTimeMs(row.id) : (row.finishedAt?.getTime() ?? Number.NaN);
    if (filter.from && !(time >= filter.from.getTime())) return false;
    if (filter.until && !(time < filter.until.getTime())) return false;
  }
  return filter.argsValue === undefined || containsValue(row.args, filter.argsValue);
}

/** Whether `wanted` is `value`, or an element or property value (never a key) at any depth inside it. */
function containsValue(value: JsonValue, wanted: ArgsSearchValue): boolean {
  if (value === wanted) return true;
  if (Array.isArray(value)) return value.some((item) => containsValue(item, wanted));
  if (value !== null && typeof value === "object") return Object.values(value).some((item) => item !== undefined && containsValue(item, wanted));
  return false;
}

function isFinished(row: Row): boolean {
  return isFinishedStatus(row.status) && row.finishedAt !== null;
}

function cursorOf(row: Row, order: ListTasksParams["order"]): TaskListCursor {
  return { id: row.id, finishedAt: order === "finished" && row.finishedAt ? new Date(row.finishedAt.getTime()) : null };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
