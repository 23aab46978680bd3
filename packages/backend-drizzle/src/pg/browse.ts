/**
 * The browse operations on Postgres (listTasks, retryTasks, deleteTasks, countFinished), for
 * the dashboard. Every list reads each task table in the order of an index and stops at the
 * page size (migrations 0008_browse_indexes and 0009_unsuccessful_args_index):
 *
 * - `"enqueued"` order is id order (UUIDv7 ids are made at enqueue): each table's primary key,
 *   walked from the cursor; `from` also bounds the id (see {@link firstIdAt}).
 *   A row another program wrote with an id whose time prefix is before its enqueue time (a
 *   random UUIDv4, say) may be missed by a `from` filter in enqueue order.
 * - `"finished"` order walks `tasks_results_finished_order_idx` (backend, finished_at, id)
 *   from the cursor.
 * - `argsValue` is `args @? <jsonpath>`. Among FAILED and CANCELLED tasks it is served by the
 *   partial GIN index `tasks_results_unsuccessful_args_idx` (migration 0009; default
 *   `jsonb_ops`: `jsonb_path_ops` cannot serve the `.**` accessor a search at any depth needs).
 *   A search that includes SUCCESSFUL tasks walks the results table in the list's order with
 *   the search as a filter, and stops when the page is full or after {@link SEARCH_WALK_ROWS}
 *   tasks: a page may then hold fewer matches, and its cursor resumes the walk where it
 *   stopped, so no call reads the whole table. The live table has no such index: a search
 *   there reads the backlog.
 * - Status, queue and task-name conditions filter those walks; statuses are written into the
 *   SQL (validated names), so a plan can prove partial indexes whatever the parameters.
 */
import { sql, type SQL } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import type {
  CountFinishedParams,
  DeleteTasksParams,
  FinishedCount,
  ListTasksParams,
  RetryTasksParams,
  TaskPage,
  TaskRecord,
} from "@tasks/core/backend";
import { FINISHED_STATUSES, type ResultStatus } from "@tasks/core/backend";
import {
  argsValuePath,
  firstIdAt,
  listTables,
  pageOf,
  pageOfWalkedSearch,
  type ListTables,
  type TableStatuses,
} from "../shared/browse.js";
import { checkCountFinishedParams, checkDateParam, checkListTasksParams, checkTaskIds } from "@tasks/core/backend";
import { isUniqueViolation } from "../shared/errors.js";
import { readRow, type TaskRowShape } from "../shared/rows.js";
import type { PgDb } from "./db.js";
import { recordSelect } from "./moves.js";
import { resultRows, withParams } from "./run-sql.js";
import { tasksQueue } from "./schema.js";
import { arrayLiteral, ENQUEUED_CHANNEL } from "./statements.js";

/** Ids are UUIDs; anything else names no stored task (and would be a cast error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every task column, in table order (both tables have the same). */
const TASK_COLUMNS: readonly string[] = getTableConfig(tasksQueue).columns.map((column) => column.name);

/** A NULL for each column of a {@link recordSelect} list: the record part of a row that holds no task. */
const RECORD_NULLS = TASK_COLUMNS.map(() => "NULL").join(", ");

/** The {@link WalkEndColumns} of a row that holds a task (every row but a walk's marker). */
const WALK_END_NULLS = `, NULL::uuid AS "walkEndId", NULL::bigint AS "walkEndAtMs"`;

/**
 * How many finished tasks one page of an argument search that includes SUCCESSFUL tasks reads
 * at most (about 120 ms on the 2-core machine of docs/dashboard-plans.md): those tasks are in
 * no argument index, and a rare value would otherwise read every finished task in one call.
 */
export const SEARCH_WALK_ROWS = 50_000;

/** The extra columns of a list row: where a bounded search walk stopped, on the one row that says so (NULL on the others). */
interface WalkEndColumns {
  walkEndId: string | null;
  walkEndAtMs: string | number | null;
}

/**
 * One page of tasks (see `BrowseOperations.listTasks`): one statement, so one snapshot, a
 * UNION ALL of one index-ordered, limited read per table when both are read. A row that other
 * code wrote and that cannot be read whole is listed with fallbacks for its bad values.
 * `walkRows` bounds a search walk (tests pass a small one).
 */
export async function listTasks(db: PgDb, params: ListTasksParams, walkRows: number = SEARCH_WALK_ROWS): Promise<TaskPage> {
  checkListTasksParams(params);
  const query = listQuery(params, walkRows);
  if (!query) return { tasks: [], next: null };
  const rows = resultRows<TaskRowShape & Partial<WalkEndColumns>>(await db.execute(query));
  const records = rows.filter((row) => row.id !== null).map((row) => readRow(row).record);
  if (!walksSearch(params, listTables(params))) return pageOf(records, params);
  const marker = rows.find((row) => row.walkEndId !== null && row.walkEndId !== undefined);
  const stoppedAt = marker ? { id: marker.walkEndId as string, finishedAt: new Date(Number(marker.walkEndAtMs)) } : null;
  return pageOfWalkedSearch(records, params, stoppedAt);
}

/** The statement of {@link listTasks} (null when nothing can match); also used to EXPLAIN it. */
export function listQuery(params: ListTasksParams, walkRows: number = SEARCH_WALK_ROWS): SQL | null {
  const ids = params.filter.ids?.filter((id) => UUID.test(id));
  if (ids?.length === 0) return null;
  if (params.after && !UUID.test(params.after.id)) return null;
  const tables = listTables(params);
  const walked = walksSearch(params, tables);
  const extra = walked ? sql.raw(WALK_END_NULLS) : sql``;
  const branches: SQL[] = [];
  if (tables.live) branches.push(branchQuery(params, "tasks_queue", tables.live, ids, extra));
  if (walked) return walkedSearchQuery(params, tables.finished as TableStatuses, branches[0] ?? null, ids, walkRows);
  if (tables.finished) branches.push(branchQuery(params, "tasks_results", tables.finished, ids, extra));
  if (branches.length === 0) return null;
  if (branches.length === 1) return branches[0] as SQL;
  const dir = sql.raw(params.direction === "desc" ? "DESC" : "ASC");
  return sql`SELECT * FROM ((${branches[0]}) UNION ALL (${branches[1]})) AS u ORDER BY u."id" ${dir} LIMIT ${params.limit + 1}`;
}

/** Whether the list searches the arguments of SUCCESSFUL tasks, which no index holds: a bounded walk of the results table. */
function walksSearch(params: ListTasksParams, { finished }: ListTables): boolean {
  return params.filter.argsValue !== undefined && finished !== null && (finished === "any" || finished.includes("SUCCESSFUL"));
}

/** The conditions and order of one table's read: its rows that pass the filter, in the list's order from the cursor. */
function branchParts(params: ListTasksParams, statuses: TableStatuses, ids: readonly string[] | undefined, search: SQL | null): { where: SQL; order: SQL } {
  const { filter } = params;
  const finished = params.order === "finished";
  const desc = params.direction === "desc";
  const conditions: SQL[] = [sql`t.backend = ${params.backend}`];
  if (statuses !== "any") conditions.push(sql.raw(statusIn("t", statuses)));
  if (filter.queues) conditions.push(sql`t.queue_name = ANY(${arrayLiteral(filter.queues)}::text[])`);
  if (filter.taskNames) conditions.push(sql`t.task_name = ANY(${arrayLiteral(filter.taskNames)}::text[])`);
  if (ids) conditions.push(sql`t.id = ANY(${arrayLiteral(ids)}::uuid[])`);
  const time = finished ? sql.raw("t.finished_at") : sql.raw("t.enqueued_at");
  if (filter.from) {
    conditions.push(sql`${time} >= ${filter.from.toISOString()}::timestamptz`);
    // The id's time prefix is never before its enqueue time: a range of the primary key.
    if (!finished) conditions.push(sql`t.id >= ${firstIdAt(filter.from)}::uuid`);
  }
  if (filter.until) conditions.push(sql`${time} < ${filter.until.toISOString()}::timestamptz`);
  if (search) conditions.push(sql`t.args ${search}`);
  const after = params.after;
  const cmp = sql.raw(desc ? "<" : ">");
  const dir = sql.raw(desc ? "DESC" : "ASC");
  if (finished) {
    if (after) conditions.push(sql`(t.finished_at, t.id) ${cmp} (${(after.finishedAt as Date).toISOString()}::timestamptz, ${after.id}::uuid)`);
    // IS NOT NULL lets the plan use the index whatever a row written by other code holds.
    conditions.push(sql`t.finished_at IS NOT NULL`);
  } else if (after) {
    conditions.push(sql`t.id ${cmp} ${after.id}::uuid`);
  }
  const order = finished ? sql`t.finished_at ${dir}, t.id ${dir}` : sql`t.id ${dir}`;
  return { where: sql.join(conditions, sql` AND `), order };
}

/** The argument search as a jsonpath condition's right side, or null without one. */
function searchOf(params: ListTasksParams): SQL | null {
  const value = params.filter.argsValue;
  return value === undefined ? null : sql`@? ${argsValuePath(value)}::jsonpath`;
}

/** One table's read: its rows that pass the filter (the search included), in the list's order, one more than the page. */
function branchQuery(params: ListTasksParams, table: "tasks_queue" | "tasks_results", statuses: TableStatuses, ids: readonly string[] | undefined, extra: SQL): SQL {
  const { where, order } = branchParts(params, statuses, ids, searchOf(params));
  return sql`SELECT ${sql.raw(recordSelect("t"))}${extra} FROM ${sql.raw(table)} AS t WHERE ${where} ORDER BY ${order} LIMIT ${params.limit + 1}`;
}

/**
 * A search that includes SUCCESSFUL tasks, which are in no argument index (migration 0009):
 * the results table's rows in the list's order, at most `walkRows` of them (an index walk
 * that reads no further), each tested against the search. The first matches, one more than
 * the page, are read whole; when there are fewer and the walk read all `walkRows`, one more
 * row, with no task, names the last task walked, so that the next page resumes after it.
 * `live` is the queue table's branch of an enqueue-order list, as is.
 */
function walkedSearchQuery(params: ListTasksParams, statuses: TableStatuses, live: SQL | null, ids: readonly string[] | undefined, walkRows: number): SQL {
  const { where, order } = branchParts(params, statuses, ids, null);
  const search = searchOf(params) as SQL;
  const page = params.limit + 1;
  // `walked` is read only as far as its readers ask; a CTE scan returns its rows in the order
  // they were made, the walk's, so `found` holds the first matches and stops the walk early
  // when the page fills; only a page left short reads the rest for the marker row.
  const finished = sql`WITH walked AS (
      SELECT t.id, t.finished_at, t.args ${search} AS hit, row_number() OVER (ORDER BY ${order}) AS pos
      FROM tasks_results AS t WHERE ${where} ORDER BY ${order} LIMIT ${walkRows}
    ), found AS (
      SELECT w.id FROM walked AS w WHERE w.hit LIMIT ${page}
    )
    SELECT ${sql.raw(recordSelect("t"))}${sql.raw(WALK_END_NULLS)}
    FROM found AS f JOIN tasks_results AS t ON t.id = f.id
    UNION ALL
    (SELECT ${sql.raw(RECORD_NULLS)}, w.id, (extract(epoch FROM w.finished_at) * 1000)::bigint
     FROM walked AS w WHERE w.pos = ${walkRows} AND (SELECT count(*) FROM found) < ${page})`;
  // The caller orders the rows.
  return live ? sql`${finished} UNION ALL (${live})` : finished;
}

/** A status condition on alias `alias` for statuses that are validated names. */
function statusIn(alias: string, statuses: readonly ResultStatus[]): string {
  return `${alias}.status IN (${statuses.map((status) => `'${status}'`).join(", ")})`;
}

const RETRYABLE = statusIn("r", ["FAILED", "CANCELLED"]);

/** What a retried row holds in the queue table in place of its finished values (SQL over the deleted row `d`; $3 now). */
const RETRY_SET: Readonly<Record<string, string>> = {
  status: "'READY'",
  run_after: "$3::timestamptz",
  runnable_at: "$3::timestamptz",
  finished_at: "NULL",
  return_value: "NULL",
  lease_expires_at: "NULL",
  max_attempts: "greatest(d.max_attempts, d.attempts + 1)",
};

/**
 * The retry, one statement: takes the FAILED and CANCELLED rows among ids $2 of backend $1 out
 * of the results table and inserts them into the queue table READY, runnable at $3, and
 * notifies their queues (delivered at commit). A row whose unique key a live row holds is left,
 * and of rows sharing a key only the one with the smallest id is taken.
 */
const RETRY_TEXT = `WITH picked AS (
    SELECT r.id FROM tasks_results AS r
    WHERE r.id = ANY($2::uuid[]) AND r.backend = $1 AND ${RETRYABLE}
      AND (r.unique_key IS NULL OR (
        NOT EXISTS (SELECT 1 FROM tasks_queue AS q WHERE q.backend = r.backend AND q.unique_key = r.unique_key)
        AND NOT EXISTS (SELECT 1 FROM tasks_results AS o WHERE o.id = ANY($2::uuid[]) AND o.backend = r.backend
          AND ${statusIn("o", ["FAILED", "CANCELLED"])} AND o.unique_key = r.unique_key AND o.id < r.id)))
  ), moved_rows AS (
    DELETE FROM tasks_results AS r WHERE r.id = ANY(ARRAY(SELECT id FROM picked)) AND ${RETRYABLE} RETURNING r.*
  ), retried AS (
    INSERT INTO tasks_queue AS t (${TASK_COLUMNS.join(", ")})
    SELECT ${TASK_COLUMNS.map((column) => RETRY_SET[column] ?? `d.${column}`).join(", ")} FROM moved_rows AS d
    RETURNING ${recordSelect("t")}
  ), notified AS (
    SELECT pg_notify('${ENQUEUED_CHANNEL}', x.queue) FROM (SELECT DISTINCT "queueName" AS queue FROM retried) AS x
  )
  SELECT retried.*, (SELECT count(*) FROM notified) AS notified FROM retried`;

/** Tries of the retry statement when a concurrent enqueue takes a unique key between its check and its insert. */
const RETRY_TRIES = 5;

/**
 * Each FAILED or CANCELLED task among `ids` back to READY as a new attempt of the same
 * result (see `BrowseOperations.retryTasks`), in one statement that also notifies the
 * tasks' queues. Returns the retried tasks, in id order.
 */
export async function retryTasks(db: PgDb, params: RetryTasksParams): Promise<TaskRecord[]> {
  checkTaskIds("retryTasks()", "ids", params.ids);
  checkDateParam("retryTasks()", "now", params.now);
  const ids = params.ids.filter((id) => UUID.test(id));
  if (ids.length === 0) return [];
  const values = [params.backend, arrayLiteral(ids), params.now.toISOString()];
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = resultRows<TaskRowShape>(await db.execute(withParams(RETRY_TEXT, values)));
      return rows.map((row) => readRow(row).record).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    } catch (error) {
      // The statement changed nothing; run again, it then sees the new holder and leaves that row.
      if (!isUniqueViolation(error) || attempt === RETRY_TRIES) throw error;
    }
  }
}

/** Deletes the finished tasks among `ids`; returns their ids, in the order given. */
export async function deleteTasks(db: PgDb, params: DeleteTasksParams): Promise<string[]> {
  checkTaskIds("deleteTasks()", "ids", params.ids);
  const ids = params.ids.filter((id) => UUID.test(id));
  if (ids.length === 0) return [];
  const rows = resultRows<{ id: string }>(
    await db.execute(
      sql`DELETE FROM tasks_results AS r WHERE r.id = ANY(${arrayLiteral(ids)}::uuid[]) AND r.backend = ${params.backend} AND ${sql.raw(statusIn("r", FINISHED_STATUSES))} RETURNING r.id`,
    ),
  );
  const deleted = new Set(rows.map((row) => row.id.toLowerCase()));
  return [...new Set(params.ids)].filter((id) => deleted.has(id.toLowerCase()));
}

/**
 * Finished tasks per bucket, queue and status, buckets in time order. A range of the results
 * table's finish-order index (a bucket is the whole milliseconds since `since` over `bucketMs`).
 */
export async function countFinished(db: PgDb, params: CountFinishedParams): Promise<FinishedCount[]> {
  checkCountFinishedParams(params);
  const rows = resultRows<{ bucket: string | number; queueName: string; status: FinishedCount["status"]; count: string | number }>(await db.execute(countQuery(params)));
  return rows.map((row) => ({
    bucketStart: new Date(params.since.getTime() + Number(row.bucket) * params.bucketMs),
    queueName: row.queueName,
    status: row.status,
    count: Number(row.count),
  }));
}

/** The statement of {@link countFinished}; also used to EXPLAIN it. */
export function countQuery(params: CountFinishedParams): SQL {
  const sinceMs = params.since.getTime();
  return sql`SELECT floor((extract(epoch FROM t.finished_at) * 1000 - ${sinceMs}) / ${params.bucketMs})::bigint AS bucket, t.queue_name AS "queueName", t.status, count(*) AS count
    FROM tasks_results AS t
    WHERE t.backend = ${params.backend} AND t.finished_at >= ${params.since.toISOString()}::timestamptz AND t.finished_at < ${params.until.toISOString()}::timestamptz
      AND ${sql.raw(statusIn("t", FINISHED_STATUSES))}
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
}
