/**
 * Reading `tasks_results` rows straight from better-sqlite3 (raw mode: one array per row),
 * for the prepared statements of the hot path. Drizzle's row mapping builds an object per
 * row and runs a mapper per column; the claim returns every column of every claimed row,
 * so this mapping is done by position instead.
 */
import type { JsonValue, TaskErrorRecord, TaskRecord } from "@tasks/core/backend";
import { ALL_STATUSES, type ResultStatus } from "@tasks/core/backend";

/** Every column of `tasks_results`, in the order {@link rawRowToRecord} reads them. */
export const RECORD_COLUMNS =
  "id, backend, task_name, queue_name, priority, args, status, run_after, enqueued_at, started_at, finished_at, " +
  "last_attempted_at, attempts, max_attempts, worker_ids, errors, return_value, lease_expires_at, identity_hash, unique_key";

/** A row of {@link RECORD_COLUMNS} as better-sqlite3 returns it in raw mode. */
export type RawTaskRow = readonly unknown[];

const STATUSES: ReadonlySet<string> = new Set(ALL_STATUSES);

/** The {@link TaskRecord} for a raw row of {@link RECORD_COLUMNS}. */
export function rawRowToRecord(row: RawTaskRow): TaskRecord {
  return {
    id: row[0] as string,
    backend: row[1] as string,
    taskName: row[2] as string,
    queueName: row[3] as string,
    priority: row[4] as number,
    args: jsonArray(row[5]) as JsonValue[],
    status: toStatus(row[6]),
    runAfter: toDate(row[7]),
    enqueuedAt: new Date(row[8] as number),
    startedAt: toDate(row[9]),
    finishedAt: toDate(row[10]),
    lastAttemptedAt: toDate(row[11]),
    attempts: row[12] as number,
    maxAttempts: row[13] as number,
    workerIds: jsonArray(row[14]) as string[],
    errors: jsonArray(row[15]) as TaskErrorRecord[],
    returnValue: row[16] === null ? null : (JSON.parse(row[16] as string) as JsonValue),
    leaseExpiresAt: toDate(row[17]),
    identityHash: row[18] as string,
    uniqueKey: row[19] as string | null,
  };
}

/** The text stored for a JSON value (`NULL` for null, as Drizzle's JSON columns store it). */
export function jsonText(value: JsonValue | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function toDate(value: unknown): Date | null {
  return value === null ? null : new Date(value as number);
}

function jsonArray(value: unknown): unknown[] {
  if (value === "[]") return [];
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed : [];
}

function toStatus(value: unknown): ResultStatus {
  if (STATUSES.has(value as string)) return value as ResultStatus;
  throw new Error(`The tasks table holds an unknown status "${String(value)}"; it was written by something other than this library.`);
}
