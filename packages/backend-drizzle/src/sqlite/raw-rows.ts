/**
 * The rows the SQLite hot-path statements (statements.ts) read and write, without a query
 * builder: task rows (of either table) read straight from better-sqlite3 (raw mode: one array per
 * row) into records, and the values a new task or an attempt's error is stored as. Drizzle's
 * row mapping builds an object per row and runs a mapper per column; the claim returns every
 * column of every claimed row, so this mapping is done by position instead.
 */
import type { JsonValue, NewTaskRecord, TaskErrorRecord, TaskRecord } from "@tasks/core/backend";
import { ResultStatus } from "@tasks/core/backend";
import type { RowReader } from "../shared/decode.js";

/** Every column of a task row, in the order {@link rawRowToRecord} reads them. */
export const RECORD_COLUMNS =
  "id, backend, task_name, queue_name, priority, args, status, run_after, enqueued_at, started_at, finished_at, " +
  "last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, lease_expires_at, identity_hash, unique_key, scheduled_for, trace_context";

/** A row of {@link RECORD_COLUMNS} as better-sqlite3 returns it in raw mode. */
export type RawTaskRow = readonly unknown[];

/**
 * The {@link TaskRecord} for a raw row of {@link RECORD_COLUMNS}. SQLite keeps whatever other
 * code stored (text in an integer column, JSON that does not parse), so each value is checked:
 * what cannot be read is noted in `read`, with a fallback in the record.
 */
export function rawRowToRecord(row: RawTaskRow, read: RowReader): TaskRecord {
  return {
    id: row[0] as string,
    backend: read.text("backend", row[1]),
    taskName: read.text("taskName", row[2]),
    queueName: read.text("queueName", row[3]),
    priority: read.int("priority", row[4], 0),
    args: read.json("args", row[5]) as JsonValue[],
    status: read.status(row[6]),
    runAfter: read.time("runAfter", row[7]),
    enqueuedAt: read.requiredTime("enqueuedAt", row[8]),
    startedAt: read.time("startedAt", row[9]),
    finishedAt: read.time("finishedAt", row[10]),
    lastAttemptedAt: read.time("lastAttemptedAt", row[11]),
    attempts: read.int("attempts", row[12], 1),
    maxAttempts: read.int("maxAttempts", row[13], 1),
    workerIds: read.jsonArray("workerIds", row[14]) as string[],
    errors: read.jsonArray("errors", row[15]) as TaskErrorRecord[],
    returnValue: read.json("returnValue", row[16]),
    leaseExpiresAt: read.time("leaseExpiresAt", row[17]),
    identityHash: read.text("identityHash", row[18]),
    uniqueKey: read.optionalText("uniqueKey", row[19]),
    scheduledFor: read.time("scheduledFor", row[20]),
    traceContext: read.traceContext(row[21]),
  };
}

/**
 * What the claim returns, in the order {@link claimedRowToRecord} reads it: every column but
 * those the claim itself sets (status, last attempt, lease expiry) or selects by (backend).
 */
export const CLAIMED_COLUMNS =
  "id, task_name, queue_name, priority, args, run_after, enqueued_at, started_at, finished_at, " +
  "attempts, max_attempts, worker_ids, errors, return_value, identity_hash, unique_key, scheduled_for, trace_context";

/** What a claim set on every row it took, for the columns it does not send back. */
export interface ClaimedBy {
  readonly backend: string;
  readonly now: Date;
  readonly leaseExpiresAt: Date;
}

/** The RUNNING {@link TaskRecord} for a raw row of {@link CLAIMED_COLUMNS}; checked as {@link rawRowToRecord} does. */
export function claimedRowToRecord(row: RawTaskRow, claim: ClaimedBy, read: RowReader): TaskRecord {
  return {
    id: row[0] as string,
    backend: claim.backend,
    taskName: read.text("taskName", row[1]),
    queueName: read.text("queueName", row[2]),
    priority: read.int("priority", row[3], 0),
    args: read.json("args", row[4]) as JsonValue[],
    status: ResultStatus.RUNNING,
    runAfter: read.time("runAfter", row[5]),
    enqueuedAt: read.requiredTime("enqueuedAt", row[6]),
    startedAt: read.time("startedAt", row[7]),
    finishedAt: read.time("finishedAt", row[8]),
    lastAttemptedAt: claim.now,
    attempts: read.int("attempts", row[9], 1),
    maxAttempts: read.int("maxAttempts", row[10], 1),
    workerIds: read.jsonArray("workerIds", row[11]) as string[],
    errors: read.jsonArray("errors", row[12]) as TaskErrorRecord[],
    returnValue: read.json("returnValue", row[13]),
    leaseExpiresAt: claim.leaseExpiresAt,
    identityHash: read.text("identityHash", row[14]),
    uniqueKey: read.optionalText("uniqueKey", row[15]),
    scheduledFor: read.time("scheduledFor", row[16]),
    traceContext: read.traceContext(row[17]),
  };
}

/** The text stored for a JSON value (`NULL` for null, as Drizzle's JSON columns store it). */
export function jsonText(value: JsonValue | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** The stored copy of an attempt's error (only the record's own fields). */
export function errorJson(error: TaskErrorRecord): string {
  return JSON.stringify({ className: error.className, message: error.message, stack: error.stack });
}

/**
 * The values a new READY task is inserted with, in the order of the insert in statements.ts:
 * id, backend, task name, queue, priority, args, run after, runnable at, enqueued at, max
 * attempts, identity hash, unique key, scheduled for, trace context. Times are integer milliseconds, JSON is text.
 */
export function newTaskValues(task: NewTaskRecord, backend: string, now: Date): unknown[] {
  const runAfter = task.runAfter?.getTime() ?? null;
  const enqueuedAt = now.getTime();
  return [
    task.id,
    backend,
    task.taskName,
    task.queueName,
    task.priority,
    JSON.stringify(task.args),
    runAfter,
    runAfter ?? enqueuedAt,
    enqueuedAt,
    task.maxAttempts,
    task.identityHash,
    task.uniqueKey,
    task.scheduledFor?.getTime() ?? null,
    task.traceContext == null ? null : JSON.stringify(task.traceContext),
  ];
}
