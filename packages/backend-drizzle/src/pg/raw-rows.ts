/**
 * The rows the Postgres hot-path statements (statements.ts) read and send, without a query
 * builder: claimed rows read by position into records, and new tasks and attempt outcomes as
 * the JSON rows each statement takes as one parameter (whatever the batch size).
 */
import type { ClaimParams, Completion, JsonValue, NewTaskRecord, TaskErrorRecord, TaskRecord } from "@tasks/core/backend";
import { ResultStatus } from "@tasks/core/backend";
import type { RowReader } from "../shared/decode.js";

/**
 * What the claim returns, by position. Columns the claim itself sets (status, lease, last
 * attempt) or that the caller passed (backend) are not sent back. History columns are sent
 * only for a row claimed before (`attempts > 1` after the increment): on a first claim they
 * are known (started now by this worker, no errors, no result). That trims the rows Postgres
 * writes and Node parses on every claim. JSON columns come as their text, whatever the
 * driver's JSON parsing, so a stored JSON string is read as that string. The runnable time
 * comes last, for the claimer's cursor (claim-cursor.ts); it is not part of the record.
 */
export const CLAIM_RETURNED = [
  "id",
  "task_name",
  "queue_name",
  "priority",
  "args",
  "run_after",
  "enqueued_at",
  "attempts",
  "max_attempts",
  "identity_hash",
  "unique_key",
  "scheduled_for",
  "trace_context",
  "started_at",
  "finished_at",
  "worker_ids",
  "errors",
  "return_value",
  "runnable_at",
] as const;

/** Index of the first history column in {@link CLAIM_RETURNED}. */
export const FIRST_HISTORY_COLUMN = CLAIM_RETURNED.indexOf("started_at");

/** Columns stored as jsonb, sent back as their text. */
export const JSON_COLUMNS: ReadonlySet<string> = new Set(["args", "worker_ids", "errors", "return_value", "trace_context"]);

/** A value postgres.js returns in a row read by position. */
export type RawValue = string | number | null | unknown[] | Record<string, unknown>;

/**
 * A claimed row (columns in {@link CLAIM_RETURNED} order) as the record the claim made of it;
 * a value that cannot be read is noted in `read` (text columns are typed by Postgres).
 */
export function claimedRecordOf(row: RawValue[], params: ClaimParams, leaseExpiresAt: Date, read: RowReader): TaskRecord {
  const attempts = read.int("attempts", row[7], 1);
  const firstClaim = attempts === 1;
  return {
    id: row[0] as string,
    backend: params.backend,
    taskName: row[1] as string,
    queueName: row[2] as string,
    priority: read.int("priority", row[3], 0),
    args: read.json("args", row[4]) as JsonValue[],
    status: ResultStatus.RUNNING,
    runAfter: read.time("runAfter", row[5]),
    enqueuedAt: read.requiredTime("enqueuedAt", row[6]),
    startedAt: firstClaim ? params.now : read.time("startedAt", row[13]),
    finishedAt: firstClaim ? null : read.time("finishedAt", row[14]),
    lastAttemptedAt: params.now,
    attempts,
    maxAttempts: read.int("maxAttempts", row[8], 1),
    workerIds: firstClaim ? [params.workerId] : (read.jsonArray("workerIds", row[15]) as string[]),
    errors: firstClaim ? [] : (read.jsonArray("errors", row[16]) as TaskErrorRecord[]),
    returnValue: firstClaim ? null : read.json("returnValue", row[17]),
    leaseExpiresAt,
    identityHash: row[9] as string,
    uniqueKey: row[10] as string | null,
    scheduledFor: read.time("scheduledFor", row[11]),
    traceContext: read.traceContext(row[12]),
  };
}

/** The first column of a row, as a string (the ids a statement returns). */
export function firstColumn(row: RawValue[]): string {
  return row[0] as string;
}

/** New tasks as JSON rows for `jsonb_to_recordset` (one parameter, whatever the batch size). */
export function newTaskRows(tasks: readonly NewTaskRecord[]): string {
  return JSON.stringify(
    tasks.map((task) => ({
      id: task.id,
      task_name: task.taskName,
      queue_name: task.queueName,
      priority: task.priority,
      args: task.args,
      run_after: task.runAfter?.toISOString() ?? null,
      max_attempts: task.maxAttempts,
      identity_hash: task.identityHash,
      unique_key: task.uniqueKey,
      // Left out (NULL) for the ordinary task: no bytes for it in every enqueue.
      scheduled_for: task.scheduledFor?.toISOString(),
      trace_context: task.traceContext ?? undefined,
    })),
  );
}

/** What every task of a batch shares (as one `enqueueMany` of one task does). */
export interface SharedColumns {
  readonly taskName: string;
  readonly queueName: string;
  readonly priority: number;
  readonly maxAttempts: number;
  readonly runAfter: string | null;
}

/** The columns all `tasks` share, or null when any differs or any task has a unique key, an occurrence or a trace context. */
export function sharedColumns(tasks: readonly NewTaskRecord[]): SharedColumns | null {
  const [first] = tasks;
  if (!first) return null;
  const runAfter = first.runAfter?.getTime() ?? null;
  for (const task of tasks) {
    if (
      task.uniqueKey !== null ||
      task.scheduledFor != null ||
      task.traceContext != null ||
      task.taskName !== first.taskName ||
      task.queueName !== first.queueName ||
      task.priority !== first.priority ||
      task.maxAttempts !== first.maxAttempts ||
      (task.runAfter?.getTime() ?? null) !== runAfter
    ) {
      return null;
    }
  }
  return { taskName: first.taskName, queueName: first.queueName, priority: first.priority, maxAttempts: first.maxAttempts, runAfter: first.runAfter?.toISOString() ?? null };
}

/** Only what differs from task to task, for the insert whose shared columns are parameters. */
export function perTaskRows(tasks: readonly NewTaskRecord[]): string {
  return JSON.stringify(tasks.map((task) => ({ id: task.id, args: task.args, identity_hash: task.identityHash })));
}

/** Attempt outcomes as JSON rows for `jsonb_to_recordset` (the completion with mixed outcomes in statements.ts). */
export function completionRows(completions: readonly Completion[]): string {
  return JSON.stringify(
    completions.map(({ id, attempt, outcome }) => ({
      id,
      attempt,
      status: outcome.status,
      return_value: outcome.status === "SUCCESSFUL" ? outcome.returnValue : null,
      error: outcome.status === "SUCCESSFUL" ? null : outcome.error,
      run_after: outcome.status === "READY" ? outcome.runAfter.toISOString() : null,
    })),
  );
}

/**
 * Successful outcomes as the two parameters of the all-succeeded completion (statements.ts):
 * the ids as an array literal, and a JSON object of `[attempt, return value]` by id. Ids are
 * UUIDs (the backend drops any other id before it reaches a statement), written in lower
 * case as Postgres prints them, since the statement looks each row's id up as text.
 */
export function successParams(completions: readonly Completion[]): [ids: string, byId: string] {
  let ids = "";
  let byId = "";
  for (const { id, attempt, outcome } of completions) {
    const key = id.toLowerCase();
    const returnValue = outcome.status === "SUCCESSFUL" ? JSON.stringify(outcome.returnValue) ?? "null" : "null";
    // Written as text: an object with hundreds of UUID keys is a slow dictionary in V8, and
    // building then stringifying it cost more than the statement's own parsing.
    ids += ids === "" ? key : `,${key}`;
    byId += `${byId === "" ? "" : ","}"${key}":[${Number(attempt)},${returnValue}]`;
  }
  return [`{${ids}}`, `{${byId}}`];
}
