/**
 * What both dialects share for the browse operations (listTasks, retryTasks, deleteTasks,
 * countFinished): which table a list reads with which statuses, how a
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
import { compareListPositions, FINISHED_STATUSES, ResultStatus } from "@tasks/core/backend";

const LIVE_STATUSES: readonly ResultStatus[] = [ResultStatus.READY, ResultStatus.RUNNING];

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
 * The page of a list whose finished tasks were searched by a bounded walk. `records` are every
 * task read, from both tables. `stoppedAt` is the last finished task the walk read when it used
 * its whole budget before the page was full (null otherwise): the page then holds the matches up
 * to that point (live tasks after it wait for the next page), maybe none, with a cursor there,
 * so the next page resumes the walk.
 */
export function pageOfWalkedSearch(records: readonly TaskRecord[], params: ListTasksParams, stoppedAt: TaskListCursor | null): TaskPage {
  const sign = params.direction === "desc" ? -1 : 1;
  const ordered = [...records].sort((a, b) => sign * compareListPositions(a, b, params.order));
  if (!stoppedAt) return pageOf(ordered, params);
  const reached = ordered.filter((record) => sign * compareListPositions(record, stoppedAt, params.order) <= 0);
  if (reached.length > params.limit) return pageOf(reached, params);
  return { tasks: reached, next: { id: stoppedAt.id, finishedAt: params.order === "finished" ? stoppedAt.finishedAt : null } };
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
