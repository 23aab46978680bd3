/**
 * Setting aside rows that cannot be read (written by other code: text in an integer column,
 * JSON that does not parse). Such a row must not stop the claims of the rows behind it, so the
 * claim or rescue that meets it marks it FAILED with an error naming each unreadable column and
 * what it held, and writes the record's fallbacks in their place (text that is not JSON is kept
 * as a JSON string), so the row reads cleanly from then on. Rare: statements are prepared per call.
 */
import type { TaskRecord } from "@tasks/core/backend";
import { COLUMN_OF, RowReader, setAsideErrorRecord, type RecordField, type UnreadableRow } from "../shared/decode.js";
import { moveFinishedRows } from "./moves.js";
import type { SqliteClient } from "./open.js";
import { rawRowToRecord, RECORD_COLUMNS, type RawTaskRow } from "./raw-rows.js";

/** The stored form of a record field's fallback; undefined for columns a set-aside never rewrites. */
function storedFallback(field: RecordField, record: TaskRecord): unknown {
  switch (field) {
    case "args":
      return JSON.stringify(record.args);
    case "returnValue":
      return record.returnValue === null ? null : JSON.stringify(record.returnValue);
    case "workerIds":
      return JSON.stringify(record.workerIds);
    case "priority":
    case "attempts":
    case "maxAttempts":
    case "taskName":
    case "queueName":
    case "identityHash":
    case "uniqueKey":
      return record[field];
    case "runAfter":
    case "enqueuedAt":
    case "startedAt":
    case "lastAttemptedAt":
    case "scheduledFor":
      return record[field]?.getTime() ?? null;
    default:
      // id and backend select the row; status, errors, finished_at and the lease are written anyway.
      return undefined;
  }
}

/**
 * Marks each unreadable row FAILED (finished `now`, no lease), appends the set-aside error to
 * the errors that could be read, and writes the fallbacks of its unreadable values, then moves
 * those rows to the results table. The rows are live ones (a claim or a rescue just read them
 * from the queue table). Run it in the transaction that read the rows. Returns how many rows
 * it changed.
 */
export function setAsideRows(client: SqliteClient, backend: string, now: Date, rows: readonly UnreadableRow[]): number {
  const changed: string[] = [];
  for (const { record, problems } of rows) {
    const sets = ["status = 'FAILED'", "finished_at = ?", "lease_expires_at = NULL", "errors = ?"];
    const values: unknown[] = [now.getTime(), JSON.stringify([...record.errors, setAsideErrorRecord(problems)])];
    for (const field of new Set(problems.map((problem) => problem.field))) {
      const value = storedFallback(field, record);
      if (value === undefined) continue;
      sets.push(`${COLUMN_OF[field]} = ?`);
      values.push(value);
    }
    // Updated in place first, so the fallbacks are written by the same code whatever the
    // column; the move then copies the row as it now reads.
    const update = client.prepare(`UPDATE tasks_queue SET ${sets.join(", ")} WHERE id = ? AND backend = ?`);
    if (update.run(...values, record.id, backend).changes > 0) changed.push(record.id);
  }
  moveFinishedRows(client, backend, changed);
  return changed.length;
}

/**
 * Reads the rows a claim would take (`where` with its values, then the limit) and sets aside
 * those that cannot be read. For a claim statement that failed on a stored value (SQLite's JSON
 * functions reject `worker_ids` that is not JSON). Returns how many rows were set aside.
 */
export function setAsideClaimHead(client: SqliteClient, where: string, whereValues: readonly unknown[], backend: string, now: Date): number {
  const rows = client
    .prepare(`SELECT ${RECORD_COLUMNS} FROM tasks_queue WHERE ${where} ORDER BY priority DESC, runnable_at, id LIMIT ?`)
    .raw(true)
    .all(...whereValues) as RawTaskRow[];
  const unreadable: UnreadableRow[] = [];
  for (const row of rows) {
    const read = new RowReader();
    const record = rawRowToRecord(row, read);
    if (read.problems) unreadable.push({ record, problems: read.problems });
  }
  return setAsideRows(client, backend, now, unreadable);
}
