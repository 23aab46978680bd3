/**
 * Moving a task from the queue table to the results table when it finishes. SQLite has no
 * DELETE … RETURNING inside an INSERT, so a move is two statements in the caller's immediate
 * transaction: `INSERT INTO tasks_results (…) SELECT … FROM tasks_queue WHERE …` copies the
 * rows with their final columns, then `DELETE FROM tasks_queue WHERE …` (the same condition,
 * which the INSERT did not change) removes them; a task is in exactly one table at every
 * commit. Completion (statements.ts), cancel, deschedule, rescue and set-aside all build their
 * statements here, each giving the rows to move and the columns that change.
 */
import { getTableConfig } from "drizzle-orm/sqlite-core";
import type { SqliteClient } from "./open.js";
import { tasksQueue } from "./schema.js";

/** Every task column, in table order (both tables have the same). */
export const TASK_COLUMNS: readonly string[] = getTableConfig(tasksQueue).columns.map((column) => column.name);

/** The column list of both tables, for INSERT and SELECT. */
const TASK_COLUMN_LIST = TASK_COLUMNS.join(", ");

/**
 * A finished status, written with OR rather than `IN (…)`: SQLite compiles a constant IN list
 * into a temporary table each time the statement runs.
 */
const FINISHED_STATUS = "(status = 'SUCCESSFUL' OR status = 'FAILED' OR status = 'CANCELLED')";

/** What a move writes in place of the queue row's own value, by column name (SQL over the queue row). */
export type ColumnOverrides = Readonly<Record<string, string>>;

/**
 * The INSERT of a move: copies the queue rows `where` picks into the results table, with
 * the columns `set` gives. Its parameters are those of `set`, in table column order, then
 * those of `where`.
 */
export function moveInsertText(where: string, set: ColumnOverrides): string {
  const values = TASK_COLUMNS.map((column) => set[column] ?? column).join(", ");
  const unknown = Object.keys(set).filter((column) => !TASK_COLUMNS.includes(column));
  if (unknown.length > 0) throw new Error(`moveInsertText: no task column named ${unknown.join(", ")}.`);
  return `INSERT INTO tasks_results (${TASK_COLUMN_LIST}) SELECT ${values} FROM tasks_queue WHERE ${where}`;
}

/** A final outcome that a completion moves to the results table. */
export type FinalStatus = "SUCCESSFUL" | "FAILED";

/**
 * The INSERT of a batch of completions with one final outcome: `rows` rows of `(id, attempt,
 * value)` (value: the return value's JSON text, or the error's), each copied with its outcome
 * where the queue row is still RUNNING under that attempt; returns the ids copied. Values: the
 * finish time, the rows, then the backend. One statement per batch, not per task: SQLite sets up
 * the trigger on tasks_results (and each statement run) once per statement, which cost about a
 * third of a per-task completion. CROSS JOIN keeps the listed rows in the outer loop, so each is
 * looked up by primary key whatever the statistics say about the queue table.
 */
export function finishBatchText(status: FinalStatus, rows: number): string {
  const set: ColumnOverrides =
    status === "SUCCESSFUL"
      ? { status: "'SUCCESSFUL'", finished_at: "?", return_value: "v.column3", lease_expires_at: "NULL" }
      : { status: "'FAILED'", finished_at: "?", errors: "json_insert(q.errors, '$[#]', json(v.column3))", lease_expires_at: "NULL" };
  const values = TASK_COLUMNS.map((column) => set[column] ?? `q.${column}`).join(", ");
  const listed = `(?, ?, ?)${", (?, ?, ?)".repeat(rows - 1)}`;
  return (
    `INSERT INTO tasks_results (${TASK_COLUMN_LIST}) SELECT ${values} FROM (VALUES ${listed}) AS v CROSS JOIN tasks_queue AS q ` +
    "ON q.id = v.column1 WHERE q.backend = ? AND q.status = 'RUNNING' AND q.attempts = v.column2 RETURNING id"
  );
}

/** The DELETE of a move: removes the queue rows `where` picks (the same condition as its INSERT). */
export function moveDeleteText(where: string): string {
  return `DELETE FROM tasks_queue WHERE ${where}`;
}

/** One move: the rows it picks, the columns it changes, and the values of both. */
export interface Move {
  /** The condition on the queue row (no LIMIT: the DELETE must pick exactly the rows the INSERT copied). */
  readonly where: string;
  readonly whereValues: readonly unknown[];
  readonly set: ColumnOverrides;
  /** The values of `set`'s parameters, in table column order. */
  readonly setValues?: readonly unknown[];
}

/**
 * Moves the rows `move` picks, in the caller's transaction; returns how many moved. Prepared
 * per call: for the rare moves (cancel, deschedule, rescue, set-aside), not completions.
 */
export function moveRows(client: SqliteClient, move: Move): number {
  const moved = client.prepare(moveInsertText(move.where, move.set)).run(...(move.setValues ?? []), ...move.whereValues).changes;
  if (moved > 0) client.prepare(moveDeleteText(move.where)).run(...move.whereValues);
  return moved;
}

/**
 * Moves the rows among `ids` that an UPDATE in the queue table just gave a finished status
 * (rescue's FAILED rows, rows set aside), unchanged; returns how many moved.
 */
export function moveFinishedRows(client: SqliteClient, backend: string, ids: readonly string[]): number {
  if (ids.length === 0) return 0;
  return moveRows(client, {
    where: `id IN (SELECT value FROM json_each(?)) AND backend = ? AND ${FINISHED_STATUS}`,
    whereValues: [JSON.stringify(ids), backend],
    set: {},
  });
}
