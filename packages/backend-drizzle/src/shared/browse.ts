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
import { FINISHED_STATUSES, ResultStatus } from "@tasks/core/backend";

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

/** Where a bounded search walk of the finished tasks stopped: the last task it read, and whether it stopped before their end. */
export interface WalkEnd {
  readonly id: string;
  readonly finishedAt: Date;
  /** The walk read its whole budget: finished tasks after {@link id} were not read. */
  readonly stopped: boolean;
}

/**
 * The page of a list whose finished tasks were searched by a bounded walk (`end`: where it
 * stopped; null when it read no task). `records` are every task read, from both tables, each
 * table's in the list's order. A walk that stopped before the page was full gives a page of the
 * matches up to where it stopped (live tasks after that point wait for the next page), with a
 * cursor at the last task walked, so the next page resumes the walk; it may hold no task.
 */
export function pageOfWalkedSearch(records: readonly TaskRecord[], params: ListTasksParams, end: WalkEnd | null): TaskPage {
  const sign = params.direction === "desc" ? -1 : 1;
  const byFinish = params.order === "finished";
  const compare = (a: { id: string; finishedAt: Date | null }, b: { id: string; finishedAt: Date | null }) => {
    const time = byFinish ? (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0) : 0;
    return sign * (time !== 0 ? time : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
  const ordered = [...records].sort(compare);
  if (!end?.stopped) return pageOf(ordered, params);
  const reached = ordered.filter((record) => compare(record, end) <= 0);
  if (reached.length > params.limit) return pageOf(reached, params);
  return { tasks: reached, next: { id: end.id, finishedAt: byFinish ? end.finishedAt : null } };
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
