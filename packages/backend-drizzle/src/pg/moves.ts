/**
 * The SQL that moves a task from the queue table to the results table when it finishes: one
 * statement deletes the row from `tasks_queue` and inserts it, with its final columns, into
 * `tasks_results`, so a task is always in exactly one of them. Completion, cancel,
 * deschedule, rescue and set-aside all build their statements here, each giving the rows to
 * move and the columns that change.
 *
 * Also the column lists that read a whole record from either table as the shared row reader
 * expects it (JSON as text, times as the driver sends them).
 */
import { getTableConfig } from "drizzle-orm/pg-core";
import { tasksQueue } from "./schema.js";

/** Every task column, in table order (both tables have the same). */
const TASK_COLUMNS: readonly string[] = getTableConfig(tasksQueue).columns.map((column) => column.name);

const RECORD_FIELD_OF: Readonly<Record<string, string>> = {
  task_name: "taskName",
  queue_name: "queueName",
  run_after: "runAfter",
  runnable_at: "runnableAt",
  enqueued_at: "enqueuedAt",
  started_at: "startedAt",
  finished_at: "finishedAt",
  last_attempted_at: "lastAttemptedAt",
  max_attempts: "maxAttempts",
  worker_ids: "workerIds",
  return_value: "returnValue",
  lease_expires_at: "leaseExpiresAt",
  identity_hash: "identityHash",
  unique_key: "uniqueKey",
  scheduled_for: "scheduledFor",
  trace_context: "traceContext",
};

const JSON_TEXT: ReadonlySet<string> = new Set(["args", "worker_ids", "errors", "return_value", "trace_context"]);

/**
 * A select list of every column of `alias` named as the record fields (`task_name AS
 * "taskName"`), JSON columns as their text: the shape `rowToRecord` reads.
 */
export function recordSelect(alias: string): string {
  return TASK_COLUMNS.map((column) => {
    const value = JSON_TEXT.has(column) ? `${alias}.${column}::text` : `${alias}.${column}`;
    return `${value} AS "${RECORD_FIELD_OF[column] ?? column}"`;
  }).join(", ");
}

/** What a move writes in place of the moved row's own value, by column name (SQL over alias `d`). */
export type ColumnOverrides = Readonly<Record<string, string>>;

/** How one move statement picks and rewrites its rows. */
export interface MoveSpec {
  /** The DELETE's condition on the queue row, alias `q`. */
  readonly where: string;
  /** Extra values the DELETE returns next to the row (`expression AS name`), usable in overrides as `d.name`. */
  readonly carry?: string;
  /** Columns of the results row that differ from the queue row, as SQL over the deleted row `d`. */
  readonly set: ColumnOverrides;
  /** What the statement returns of each inserted row, alias `r` (default its id). */
  readonly returning?: string;
}

/**
 * A statement (or, with `name`, a CTE list ending in CTE `name`) that moves the rows `where`
 * picks from the queue table to the results table, with the columns `set` gives.
 */
export function moveText(spec: MoveSpec, name?: string): string {
  const values = TASK_COLUMNS.map((column) => spec.set[column] ?? `d.${column}`).join(", ");
  const del = `DELETE FROM tasks_queue AS q WHERE ${spec.where} RETURNING q.*${spec.carry ? `, ${spec.carry}` : ""}`;
  const insert = `INSERT INTO tasks_results AS r (${TASK_COLUMNS.join(", ")}) SELECT ${values} FROM moved_rows AS d RETURNING ${spec.returning ?? "r.id"}`;
  if (name) return `moved_rows AS (${del}), ${name} AS (${insert})`;
  return `WITH moved_rows AS (${del}) ${insert}`;
}

/**
 * The condition a finishing row meets: its id is in the `ids` array, and it is still RUNNING
 * under the attempt that the JSON object `byId` holds first for its id (`{"<id>": [attempt, …]}`).
 * A lookup in a jsonb object is a binary search; `array_position` in a parallel array walked
 * the array for every row, a third more server time for a batch of 500.
 */
export function stillHeld(ids: string, byId: string): string {
  return `q.id = ANY(${ids}) AND q.backend = $1 AND q.status = 'RUNNING' AND q.attempts = (${byId} -> q.id::text ->> 0)::integer`;
}

/** `errors` with `error` appended, starting afresh when the stored value is not an array (written by other code). */
export function errorsPlus(errors: string, error: string): string {
  return `CASE WHEN jsonb_typeof(${errors}) = 'array' THEN ${errors} ELSE '[]'::jsonb END || jsonb_build_array(${error})`;
}
