/**
 * The Postgres storage operations, one function each. The hot-path SQL (claim, completion,
 * the insert of new tasks) is in statements.ts; the rest is built here with Drizzle. Each
 * takes the database (or a transaction) to run on and returns rows mapped to plain records;
 * no row leaves this file.
 */
import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { PgDb } from "./db.js";
import type postgres from "postgres";
import type {
  EnqueueOutcome,
  HealthParams,
  HealthReport,
  HeartbeatParams,
  LostLease,
  NewTaskRecord,
  PruneParams,
  TaskErrorRecord,
  TaskRecord,
} from "@tasks/core/backend";
import {
  buildHealthReport,
  dedupeByUniqueKey,
  knownStatus,
  newTaskRecord,
  readRows,
  rowToRecord,
  taskNameList,
  type TaskRowShape,
} from "../shared/rows.js";
import { failureColumns, queueRecordColumns, runningColumns, tasksQueue as q, tasksResults as r, tasksWorkers as w } from "./schema.js";
import { arrayLiteral, completeTasks, ENQUEUED_CHANNEL, insertRows } from "./statements.js";
import { resultRows, withParams } from "./run-sql.js";
import { setAsideRows } from "./set-aside.js";
import { errorsPlus, moveText, recordSelect } from "./moves.js";

export type { PgDb } from "./db.js";
/** The channel `enqueue` notifies on (written into the insert statement); the payload is the queue name. */
export { ENQUEUED_CHANNEL } from "./statements.js";

// Status tests are literal SQL (not parameters) so that even generic prepared plans can
// prove the partial indexes' predicates.
const IS_READY = sql`${q.status} = 'READY'`;
const IS_RUNNING = sql`${q.status} = 'RUNNING'`;
const IS_FAILED = sql`${r.status} = 'FAILED'`;

/** A timestamptz parameter (drizzle's postgres.js setup passes dates through as strings). */
function at(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

function plusMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/** Every column of a task, from whichever table holds it: $1 backend, $2 the ids (uuid[]). */
const ROWS_BY_ID_TEXT = `SELECT ${recordSelect("t")} FROM tasks_queue AS t WHERE t.id = ANY($2::uuid[]) AND t.backend = $1
  UNION ALL SELECT ${recordSelect("t")} FROM tasks_results AS t WHERE t.id = ANY($2::uuid[]) AND t.backend = $1`;

/** Reads rows by id, live or finished (one statement, so one snapshot: a row being moved is seen once). */
async function rowsById(db: PgDb, backend: string, ids: readonly string[]): Promise<TaskRecord[]> {
  if (ids.length === 0) return [];
  const rows = resultRows<TaskRowShape>(await db.execute(withParams(ROWS_BY_ID_TEXT, [backend, arrayLiteral(ids)])));
  return rows.map(rowToRecord);
}

/**
 * Inserts new READY tasks in one statement (and notifies `notify` in it). A task whose
 * `uniqueKey` an active row already holds is not inserted; its outcome is that holder
 * (`created: false`). Within one call, tasks sharing a key become one row.
 */
export async function insertTasks(
  db: PgDb,
  client: postgres.Sql | null,
  backend: string,
  now: Date,
  tasks: readonly NewTaskRecord[],
  notify: readonly string[] = [],
): Promise<EnqueueOutcome[]> {
  const { unique, sourceOf } = dedupeByUniqueKey(tasks);
  const outcomes: EnqueueOutcome[] = new Array(unique.length);
  let pending = unique.map((task, index) => ({ task, index }));
  // A holder can finish between our insert and our read; then the insert is simply retried.
  for (let round = 0; pending.length > 0; round++) {
    if (round === 5) throw new Error(`Could not settle uniqueness for ${pending.length} task(s) after 5 tries; the unique holders keep changing.`);
    const inserted = await insertRows(db, client, backend, now, pending.map(({ task }) => task), round === 0 ? notify : []);
    const conflicted = pending.filter(({ task, index }) => {
      if (inserted !== "all" && !inserted.has(task.id)) return true;
      outcomes[index] = { record: newTaskRecord(task, backend, now), created: true };
      return false;
    });
    if (conflicted.length === 0) break;
    const keys = conflicted.map(({ task }) => task.uniqueKey as string);
    const holders = await db.select(queueRecordColumns).from(q).where(and(eq(q.backend, backend), inArray(q.uniqueKey, keys)));
    const byKey = new Map(holders.map((row) => [row.uniqueKey, rowToRecord(row)]));
    pending = conflicted.filter(({ task, index }) => {
      const record = byKey.get(task.uniqueKey);
      if (record) outcomes[index] = { record, created: false };
      return !record;
    });
  }
  const firstPosition = new Map<number, number>();
  return tasks.map((_, position) => {
    const source = sourceOf[position] as number;
    const outcome = outcomes[source] as EnqueueOutcome;
    if (!firstPosition.has(source)) {
      firstPosition.set(source, position);
      return outcome;
    }
    return { record: outcome.record, created: false };
  });
}

/** Sends one wake-up notification per queue, in one statement (delivered on commit). */
export async function notifyQueues(db: PgDb, queues: readonly string[]): Promise<void> {
  if (queues.length === 0) return;
  await db.execute(sql`SELECT pg_notify(${ENQUEUED_CHANNEL}, q) FROM unnest(${arrayLiteral(queues)}::text[]) AS q`);
}

/** Marks one claimed task SUCCESSFUL if still held (atomic tasks); returns whether it was. */
export async function completeOne(db: PgDb, backend: string, id: string, attempt: number, now: Date, returnValue: unknown): Promise<boolean> {
  const ids = await completeTasks(db, null, backend, now, [{ id, attempt, outcome: { status: "SUCCESSFUL", returnValue: returnValue as never } }]);
  return ids.length === 1;
}

/**
 * Records the worker as live (with the task names it can run, when given; otherwise it keeps
 * the names stored before) and extends the leases it still holds; reports the lost ones.
 */
export async function heartbeatLeases(db: PgDb, params: HeartbeatParams): Promise<LostLease[]> {
  const expiresAt = plusMs(params.now, params.leaseMs);
  const names = taskNameList("heartbeat()", params.taskNames);
  const seen = { lastSeenAt: params.now, expiresAt, ...(names ? { taskNames: [...names] } : {}) };
  await db
    .insert(w)
    .values({ backend: params.backend, workerId: params.workerId, ...seen })
    .onConflictDoUpdate({ target: [w.backend, w.workerId], set: seen });
  if (params.leases.length === 0) return [];
  const leases = JSON.stringify(params.leases.map(({ id, attempt }) => ({ id, attempt })));
  const kept = await db.execute(sql`
    UPDATE tasks_queue AS t SET lease_expires_at = ${at(expiresAt)}
    FROM jsonb_to_recordset(${leases}::jsonb) AS v(id uuid, attempt integer)
    WHERE t.id = ANY(ARRAY(SELECT id FROM jsonb_to_recordset(${leases}::jsonb) AS l(id uuid))) AND t.id = v.id AND t.backend = ${params.backend} AND t.attempts = v.attempt AND t.status = 'RUNNING'
    RETURNING t.id`);
  const keptIds = new Set(resultRows<{ id: string }>(kept).map((row) => row.id));
  const lostIds = params.leases.map((lease) => lease.id).filter((id) => !keptIds.has(id));
  if (lostIds.length === 0) return [];
  // Only the status is needed (and a row other code wrote may not read as a whole record).
  const statusOf = (table: typeof q | typeof r) =>
    db.select({ id: table.id, status: table.status }).from(table).where(and(eq(table.backend, params.backend), inArray(table.id, lostIds)));
  const rows = [...(await statusOf(q)), ...(await statusOf(r))];
  const found = new Map(rows.map((row) => [row.id, knownStatus(row.status)]));
  return lostIds.map((id) => ({ id, status: found.get(id) ?? null }));
}

/**
 * RUNNING tasks whose lease expired before `now`, or that have no lease expiry at all (written
 * by other code or an older version): READY when attempts remain, keeping their runnable time
 * and so their place in claim order, otherwise FAILED; `error` appended either way. A rescued
 * row that cannot be read is set aside as FAILED instead and left out of the result.
 */
export async function rescueExpiredTasks(db: PgDb, backend: string, now: Date, limit: number, error: TaskErrorRecord): Promise<TaskRecord[]> {
  const rows = await recordRows(db, RESCUE_TEXT, [backend, now.toISOString(), limit, JSON.stringify(error)]);
  const { records, unreadable } = readRows(rows);
  await setAsideRows(db, null, backend, now, unreadable);
  return records.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The rescue: locks up to $3 expired RUNNING rows (oldest lease first); those with attempts
 * left go back to READY in the queue, the others move to the results table as FAILED.
 * Returns every column of each, as records. $1 backend, $2 now, $4 the error (JSON).
 */
const RESCUE_TEXT = `WITH expired AS (
    SELECT id, attempts < max_attempts AS retry FROM tasks_queue
    WHERE backend = $1 AND status = 'RUNNING' AND (lease_expires_at IS NULL OR lease_expires_at < $2::timestamptz)
    ORDER BY lease_expires_at ASC NULLS FIRST LIMIT $3 FOR UPDATE SKIP LOCKED
  ), retried AS (
    UPDATE tasks_queue AS t SET status = 'READY', errors = ${errorsPlus("t.errors", "$4::jsonb")}, lease_expires_at = NULL, finished_at = NULL
    WHERE t.id = ANY(ARRAY(SELECT id FROM expired WHERE retry))
    RETURNING ${recordSelect("t")}
  ), ${moveText(
    {
      where: "q.id = ANY(ARRAY(SELECT id FROM expired WHERE NOT retry))",
      set: { status: "'FAILED'", errors: errorsPlus("d.errors", "$4::jsonb"), lease_expires_at: "NULL", finished_at: "$2::timestamptz" },
      returning: recordSelect("r"),
    },
    "failed",
  )}
  SELECT * FROM retried UNION ALL SELECT * FROM failed`;

/** Runs a statement that returns whole task rows (selected with {@link recordSelect}). */
async function recordRows(db: PgDb, text: string, params: readonly unknown[]): Promise<TaskRowShape[]> {
  return resultRows<TaskRowShape>(await db.execute(withParams(text, params)));
}

/** READY or RUNNING → CANCELLED (moved to the results table); $1 backend, $2 now, $3 the id. */
const CANCEL_TEXT = moveText({
  where: "q.id = $3::uuid AND q.backend = $1",
  set: { status: "'CANCELLED'", finished_at: "$2::timestamptz", lease_expires_at: "NULL" },
  returning: recordSelect("r"),
});

/** READY or RUNNING → CANCELLED; a finished row comes back unchanged; null for an unknown id. */
export async function cancelTask(db: PgDb, backend: string, now: Date, id: string): Promise<TaskRecord | null> {
  const [cancelled] = await recordRows(db, CANCEL_TEXT, [backend, now.toISOString(), id]);
  if (cancelled) return rowToRecord(cancelled);
  const [existing] = await rowsById(db, backend, [id]);
  return existing ?? null;
}

/**
 * Every READY task with task name $3 and identity hash $4 → CANCELLED. No index serves this
 * (deschedule is rare, and an index would cost every enqueue an entry): it reads the queue
 * table, which holds only live tasks.
 */
const DESCHEDULE_TEXT = moveText({
  where: "q.backend = $1 AND q.status = 'READY' AND q.task_name = $3 AND q.identity_hash = $4",
  set: { status: "'CANCELLED'", finished_at: "$2::timestamptz" },
});

/** Cancels every READY task with this name and identity hash; returns how many. */
export async function descheduleTasks(db: PgDb, backend: string, now: Date, taskName: string, identityHash: string): Promise<number> {
  return (await recordRows(db, DESCHEDULE_TEXT, [backend, now.toISOString(), taskName, identityHash])).length;
}

/** One task by id, or null. */
export async function getTask(db: PgDb, backend: string, id: string): Promise<TaskRecord | null> {
  const [record] = await rowsById(db, backend, [id]);
  return record ?? null;
}

/** How many RUNNING tasks `health()` lists at most. */
const HEALTH_RUNNING_LIMIT = 1000;

/**
 * The count by queue and status that `health()` reads (exported to EXPLAIN it). Scope
 * `"all"`: both tables in one statement, so one snapshot: a task moving from the queue table
 * to the results table while health reads is counted once, in one table or the other. Scope
 * `"live"`: the READY and RUNNING rows of the queue table only; the results table, which grows
 * with every finished task, is not read.
 */
export function healthCountsQuery(db: PgDb, params: HealthParams) {
  const countsOf = (table: typeof q | typeof r, only?: SQL) =>
    db
      .select({ queueName: table.queueName, status: table.status, count: sql<string>`count(*)` })
      .from(table)
      .where(and(eq(table.backend, params.backend), only))
      .groupBy(table.queueName, table.status);
  if (params.scope === "live") return countsOf(q, sql`${q.status} IN ('READY', 'RUNNING')`);
  return unionAll(countsOf(q), countsOf(r));
}

/**
 * Counts by queue and status (with scope `"live"` only READY and RUNNING ones), oldest runnable
 * READY task, running tasks, recent failures, live workers, unrunnable READY tasks.
 */
export async function healthOf(db: PgDb, params: HealthParams): Promise<HealthReport> {
  const live = eq(q.backend, params.backend);
  const [counts, readyByName, oldest, running, failures, workers] = await Promise.all([
    healthCountsQuery(db, params),
    db
      .select({ taskName: q.taskName, queueName: q.queueName, count: sql<string>`count(*)` })
      .from(q)
      .where(and(live, IS_READY))
      .groupBy(q.taskName, q.queueName),
    db
      .select({ queueName: q.queueName, oldest: sql<string>`min(${q.runnableAt})` })
      .from(q)
      .where(and(live, IS_READY, sql`${q.runnableAt} <= ${at(params.now)}`))
      .groupBy(q.queueName),
    db.select(runningColumns).from(q).where(and(live, IS_RUNNING)).orderBy(asc(q.startedAt), asc(q.id)).limit(HEALTH_RUNNING_LIMIT),
    params.recentFailures > 0
      ? db
          .select(failureColumns)
          .from(r)
          .where(and(eq(r.backend, params.backend), IS_FAILED))
          .orderBy(desc(r.finishedAt), desc(r.id))
          .limit(params.recentFailures)
      : Promise.resolve([]),
    db.select().from(w).where(and(eq(w.backend, params.backend), sql`${w.expiresAt} >= ${at(params.now)}`)).orderBy(asc(w.workerId)),
  ]);
  return buildHealthReport({
    counts,
    readyByName,
    oldestRunnableByQueue: oldest.map((row) => ({ queueName: row.queueName, oldest: new Date(row.oldest) })),
    running,
    failures,
    workers,
    now: params.now,
  });
}

/**
 * Deletes one chunk of finished rows past their threshold (or counts all of them for a dry
 * run). The rows are found through the results table's block-range index on `finished_at`:
 * rows arrive in about the order they finish, so the old ones sit in the first blocks, and
 * the index costs a completion next to nothing (a btree would add an entry per task).
 */
export async function pruneTasks(db: PgDb, params: PruneParams): Promise<number> {
  const latest = params.finishedBefore > params.failedBefore ? params.finishedBefore : params.failedBefore;
  const prunable = and(
    eq(r.backend, params.backend),
    sql`${r.finishedAt} < ${at(latest)}`,
    or(
      and(sql`${r.status} IN ('SUCCESSFUL', 'CANCELLED')`, sql`${r.finishedAt} < ${at(params.finishedBefore)}`),
      and(IS_FAILED, sql`${r.finishedAt} < ${at(params.failedBefore)}`),
    ),
    params.queues ? (params.queues.length === 0 ? sql`false` : inArray(r.queueName, [...params.queues])) : undefined,
  );
  if (params.dryRun) {
    const [row] = await db.select({ count: sql<string>`count(*)` }).from(r).where(prunable);
    return Number(row?.count ?? 0);
  }
  const chunk = db.select({ id: r.id }).from(r).where(prunable).limit(params.limit);
  const deleted = await db.delete(r).where(inArray(r.id, chunk)).returning({ id: r.id });
  await db.delete(w).where(and(eq(w.backend, params.backend), sql`${w.expiresAt} < ${at(params.finishedBefore)}`));
  return deleted.length;
}
