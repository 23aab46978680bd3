/**
 * The browse operations on SQLite (listTasks, retryTasks, deleteTasks, countFinished), for the
 * dashboard. Lists read each table in the order of an index and stop at the page size:
 *
 * - `"enqueued"` order is id order (UUIDv7 ids are made at enqueue): each table's primary key
 *   index, walked from the cursor; `from` also bounds the id (see {@link firstIdAt}).
 *   A row another program wrote with an id whose time prefix is before its enqueue time (a
 *   random UUIDv4, say) may be missed by a `from` filter in enqueue order.
 * - `"finished"` order reads the finished index (backend, status, finished_at) once per
 *   status, each read in finish order from the cursor, and merges them.
 * - `argsValue` is not index-backed: each row the walk reaches is searched with `json_tree`
 *   (its arguments at every depth) until the page is full, so a rare value reads every row
 *   of the listed range.
 *
 * Statuses are written into the SQL (validated names): SQLite uses a partial index only when
 * the query's WHERE visibly implies the index's.
 */
import type {
  ArgsSearchValue,
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
  firstIdAt,
  listTables,
  pageOf,
} from "../shared/browse.js";
import { checkCountFinishedParams, checkDateParam, checkListTasksParams, checkTaskIds } from "@tasks/core/backend";
import { COLUMN_OF } from "../shared/decode.js";
import { readRow, type TaskRowShape } from "../shared/rows.js";
import { TASK_COLUMNS } from "./moves.js";
import { clientOf, type SqliteClient } from "./open.js";
import type { SqliteDb } from "./queries.js";

/** The finished index's own WHERE, which a query must imply visibly for SQLite to use that index. */
const FINISHED = "(status = 'SUCCESSFUL' OR status = 'FAILED' OR status = 'CANCELLED')";

/** Every column as the record field the shared row reader expects (JSON as its text, times as stored). */
const RECORD_SELECT = Object.entries(COLUMN_OF)
  .map(([field, column]) => `${column} AS "${field}"`)
  .join(", ");

/** A SQL text with its values, in placeholder order. */
interface Query {
  readonly text: string;
  readonly values: unknown[];
}

/** One page of tasks (see `BrowseOperations.listTasks`); run it in one read transaction so both tables are read at one time. */
export function listTasks(db: SqliteDb, params: ListTasksParams): TaskPage {
  checkListTasksParams(params);
  const query = listQuery(params);
  if (!query) return { tasks: [], next: null };
  const rows = connection(db).prepare(query.text).all(...query.values) as TaskRowShape[];
  return pageOf(rows.map((row) => readRow(row).record), params);
}

/** The statement of {@link listTasks} (null when nothing can match); also used to EXPLAIN it. */
export function listQuery(params: ListTasksParams): Query | null {
  const tables = listTables(params);
  const branches: Query[] = [];
  if (tables.live) branches.push(branchQuery(params, "tasks_queue", tables.live === "any" ? null : tables.live));
  if (tables.finished) {
    if (params.order === "finished") {
      const statuses = tables.finished === "any" ? FINISHED_STATUSES : tables.finished;
      for (const status of statuses) branches.push(branchQuery(params, "tasks_results", [status]));
    } else {
      branches.push(branchQuery(params, "tasks_results", tables.finished === "any" ? null : tables.finished));
    }
  }
  if (branches.length === 0) return null;
  if (branches.length === 1) return branches[0] as Query;
  const dir = params.direction === "desc" ? "DESC" : "ASC";
  const order = params.order === "finished" ? `"finishedAt" ${dir}, "id" ${dir}` : `"id" ${dir}`;
  return {
    text: `${branches.map((branch) => `SELECT * FROM (${branch.text})`).join(" UNION ALL ")} ORDER BY ${order} LIMIT ?`,
    values: [...branches.flatMap((branch) => branch.values), params.limit + 1],
  };
}

/** One table's (and, in finish order, one status's) rows that pass the filter, in the list's order from the cursor. */
function branchQuery(params: ListTasksParams, table: "tasks_queue" | "tasks_results", statuses: readonly ResultStatus[] | null): Query {
  const { filter } = params;
  const finished = params.order === "finished";
  const desc = params.direction === "desc";
  const where = ["backend = ?"];
  const values: unknown[] = [params.backend];
  if (table === "tasks_results") where.push(FINISHED);
  if (statuses) where.push(statuses.length === 1 ? `status = '${statuses[0]}'` : `(${statuses.map((status) => `status = '${status}'`).join(" OR ")})`);
  const among = (column: string, list: readonly string[] | undefined) => {
    if (!list) return;
    where.push(`${column} IN (SELECT value FROM json_each(?))`);
    values.push(JSON.stringify(list));
  };
  among("queue_name", filter.queues);
  among("task_name", filter.taskNames);
  among("id", filter.ids?.map((id) => id.toLowerCase()));
  const time = finished ? "finished_at" : "enqueued_at";
  if (filter.from) {
    where.push(`${time} >= ?`);
    values.push(filter.from.getTime());
    // The id's time prefix is never before its enqueue time: a range of the primary key.
    if (!finished) {
      where.push("id >= ?");
      values.push(firstIdAt(filter.from));
    }
  }
  if (filter.until) {
    where.push(`${time} < ?`);
    values.push(filter.until.getTime());
  }
  if (filter.argsValue !== undefined) {
    const search = argsSearch(filter.argsValue);
    where.push(search.text);
    values.push(...search.values);
  }
  const after = params.after;
  const cmp = desc ? "<" : ">";
  if (finished && after) {
    where.push(`finished_at ${cmp}= ? AND (finished_at ${cmp} ? OR id ${cmp} ?)`);
    values.push((after.finishedAt as Date).getTime(), (after.finishedAt as Date).getTime(), after.id.toLowerCase());
  } else if (after) {
    where.push(`id ${cmp} ?`);
    values.push(after.id.toLowerCase());
  }
  const dir = desc ? "DESC" : "ASC";
  const order = finished ? `finished_at ${dir}, id ${dir}` : `id ${dir}`;
  // The planner, seeing an equality on status or queue, would rather read another index and
  // sort every row it finds (the whole backlog, or a million successes); the list's order
  // index stops at the page. A list of ids reads them by primary key instead.
  const index = filter.ids ? "" : ` INDEXED BY ${finished ? "tasks_results_finished_idx" : `sqlite_autoindex_${table}_1`}`;
  return { text: `SELECT ${RECORD_SELECT} FROM ${table}${index} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ?`, values: [...values, params.limit + 1] };
}

/**
 * True when `value` is the arguments or a value inside them at any depth, of the same JSON
 * type: `json_tree` walks every element and property value (never the keys).
 */
function argsSearch(value: ArgsSearchValue): Query {
  const inTree = (condition: string) => `EXISTS (SELECT 1 FROM json_tree(args) AS j WHERE ${condition})`;
  if (typeof value === "boolean") return { text: inTree(`j.type = '${value ? "true" : "false"}'`), values: [] };
  if (typeof value === "number") return { text: inTree("j.type IN ('integer', 'real') AND j.atom = ?"), values: [value] };
  return { text: inTree("j.type = 'text' AND j.atom = ?"), values: [value] };
}

/** What a retried row holds in the queue table in place of its finished values (each ? is now). */
const RETRY_SET: Readonly<Record<string, string>> = {
  status: "'READY'",
  run_after: "?",
  runnable_at: "?",
  finished_at: "NULL",
  return_value: "NULL",
  lease_expires_at: "NULL",
  max_attempts: "max(max_attempts, attempts + 1)",
};

/**
 * Each FAILED or CANCELLED task among `ids` back to READY as a new attempt of the same result
 * (see `BrowseOperations.retryTasks`): run it inside an immediate transaction. A task whose
 * unique key a live task holds is left, and of tasks sharing a key only the one with the
 * smallest id is retried. Returns the retried tasks, in id order.
 */
export function retryTasks(db: SqliteDb, params: RetryTasksParams): TaskRecord[] {
  checkTaskIds("retryTasks()", "ids", params.ids);
  checkDateParam("retryTasks()", "now", params.now);
  const client = connection(db);
  const ids = JSON.stringify([...new Set(params.ids.map((id) => id.toLowerCase()))]);
  const retryable = `id IN (SELECT value FROM json_each(?)) AND backend = ? AND (status = 'FAILED' OR status = 'CANCELLED')`;
  const candidates = client.prepare(`SELECT id, unique_key AS uniqueKey FROM tasks_results WHERE ${retryable} ORDER BY id`).all(ids, params.backend) as {
    id: string;
    uniqueKey: string | null;
  }[];
  const keys = [...new Set(candidates.flatMap((row) => (row.uniqueKey === null ? [] : [row.uniqueKey])))];
  const held = new Set(
    keys.length === 0
      ? []
      : (client.prepare("SELECT unique_key AS uniqueKey FROM tasks_queue WHERE backend = ? AND unique_key IN (SELECT value FROM json_each(?))").all(params.backend, JSON.stringify(keys)) as { uniqueKey: string }[]).map(
          (row) => row.uniqueKey,
        ),
  );
  const picked: string[] = [];
  for (const row of candidates) {
    if (row.uniqueKey !== null) {
      if (held.has(row.uniqueKey)) continue;
      held.add(row.uniqueKey);
    }
    picked.push(row.id);
  }
  if (picked.length === 0) return [];
  const chosen = JSON.stringify(picked);
  const values = TASK_COLUMNS.map((column) => RETRY_SET[column] ?? column).join(", ");
  client.prepare(`INSERT INTO tasks_queue (${TASK_COLUMNS.join(", ")}) SELECT ${values} FROM tasks_results WHERE ${retryable}`).run(params.now.getTime(), params.now.getTime(), chosen, params.backend);
  client.prepare(`DELETE FROM tasks_results WHERE ${retryable}`).run(chosen, params.backend);
  const rows = client.prepare(`SELECT ${RECORD_SELECT} FROM tasks_queue WHERE id IN (SELECT value FROM json_each(?)) AND backend = ? ORDER BY id`).all(chosen, params.backend) as TaskRowShape[];
  return rows.map((row) => readRow(row).record);
}

/** Deletes the finished tasks among `ids` (run it inside an immediate transaction); returns their ids, in the order given. */
export function deleteTasks(db: SqliteDb, params: DeleteTasksParams): string[] {
  checkTaskIds("deleteTasks()", "ids", params.ids);
  const rows = connection(db)
    .prepare(`DELETE FROM tasks_results WHERE id IN (SELECT value FROM json_each(?)) AND backend = ? AND ${FINISHED} RETURNING id`)
    .all(JSON.stringify(params.ids.map((id) => id.toLowerCase())), params.backend) as { id: string }[];
  const deleted = new Set(rows.map((row) => row.id));
  return [...new Set(params.ids)].filter((id) => deleted.has(id.toLowerCase()));
}

/** Finished tasks per bucket, queue and status, buckets in time order: one range of the finished index per status. */
export function countFinished(db: SqliteDb, params: CountFinishedParams): FinishedCount[] {
  checkCountFinishedParams(params);
  const query = countQuery(params);
  const rows = connection(db).prepare(query.text).all(...query.values) as { bucket: number; queueName: string; status: FinishedCount["status"]; count: number }[];
  return rows.map((row) => ({ bucketStart: new Date(params.since.getTime() + row.bucket * params.bucketMs), queueName: row.queueName, status: row.status, count: row.count }));
}

/** The statement of {@link countFinished}; also used to EXPLAIN it. */
export function countQuery(params: CountFinishedParams): Query {
  const since = params.since.getTime();
  const branch = (status: ResultStatus) =>
    `SELECT CAST((finished_at - ?) / ? AS INTEGER) AS bucket, queue_name, status FROM tasks_results WHERE backend = ? AND ${FINISHED} AND status = '${status}' AND finished_at >= ? AND finished_at < ?`;
  return {
    text: `SELECT bucket, queue_name AS queueName, status, count(*) AS count FROM (${FINISHED_STATUSES.map(branch).join(" UNION ALL ")}) GROUP BY bucket, queue_name, status ORDER BY bucket, queue_name, status`,
    values: FINISHED_STATUSES.flatMap(() => [since, params.bucketMs, params.backend, since, params.until.getTime()]),
  };
}

function connection(db: SqliteDb): SqliteClient {
  const client = clientOf(db);
  if (!client) throw new Error("The SQLite task backend runs on a Drizzle better-sqlite3 database; this one has no better-sqlite3 connection under it.");
  return client;
}
