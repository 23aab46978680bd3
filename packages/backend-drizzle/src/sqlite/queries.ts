/**
 * The SQLite storage operations, one function each. Live tasks (READY, RUNNING) are in
 * `tasks_queue`, finished ones in `tasks_results`; an operation that finishes a task moves its
 * row (moves.ts). The hot-path SQL (claim, completion, the insert of new tasks) is prepared
 * once per connection in statements.ts, as a draining worker runs it thousands of times a
 * second; the rest is built here with Drizzle. Each takes the database (or a transaction) to
 * run on, runs synchronously (better-sqlite3) and returns rows mapped to plain records; no row
 * leaves this file. Callers wrap writes in an immediate transaction.
 *
 * Status constants are written into the SQL text, not bound: SQLite uses a partial index only
 * when the query's WHERE visibly implies the index's WHERE, which a parameter does not.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { unionAll, type BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
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
import { ResultStatus, TasksError } from "@tasks/core/backend";
import { buildHealthReport, dedupeByUniqueKey, knownStatus, newTaskRecord, readRows, rowToRecord, taskNameList } from "../shared/rows.js";
import { moveFinishedRows, moveRows } from "./moves.js";
import { clientOf, type SqliteClient } from "./open.js";
import {
  failureColumns,
  queueRecordColumns,
  resultRecordColumns,
  runningColumns,
  tasksQueue as q,
  tasksResults as r,
  tasksWorkers as w,
  workerColumns,
} from "./schema.js";
import { setAsideRows } from "./set-aside.js";
import { preparedStatements, type PreparedStatements } from "./statements.js";

/** A Drizzle SQLite database or transaction on a synchronous driver (better-sqlite3). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqliteDb = BaseSQLiteDatabase<"sync", any, any, any>;

const READY = sql`${q.status} = 'READY'`;
const RUNNING = sql`${q.status} = 'RUNNING'`;
const FAILED = sql`${r.status} = 'FAILED'`;
/** The finished index's own WHERE: a query must imply it, visibly, for SQLite to use that index. */
const FINISHED = sql`(${r.status} = 'SUCCESSFUL' OR ${r.status} = 'FAILED' OR ${r.status} = 'CANCELLED')`;
/** Ids per lookup of already stored ids: far below SQLite's bound-parameter limit. */
const ID_CHUNK = 500;

/** A timestamp parameter: integer milliseconds, as the columns store them. */
function ms(date: Date): SQL {
  return sql`${date.getTime()}`;
}

function plusMs(date: Date, add: number): Date {
  return new Date(date.getTime() + add);
}

/** `json_insert(column, '$[#]', json(value))`: appends one JSON value to a JSON array column. */
function appendJson(column: SQL | typeof q.errors, value: unknown): SQL {
  return sql`json_insert(${column}, '$[#]', json(${JSON.stringify(value)}))`;
}

function errorCopy(error: TaskErrorRecord): TaskErrorRecord {
  return { className: error.className, message: error.message, stack: error.stack };
}

/** Reads rows by id, live ones from the queue table and the others from the results table. */
function rowsById(db: SqliteDb, backend: string, ids: readonly string[]): TaskRecord[] {
  if (ids.length === 0) return [];
  const live = db.select(queueRecordColumns).from(q).where(and(eq(q.backend, backend), inArray(q.id, [...ids]))).all();
  const found = new Set(live.map((row) => row.id));
  const rest = ids.filter((id) => !found.has(id));
  const finished = rest.length === 0 ? [] : db.select(resultRecordColumns).from(r).where(and(eq(r.backend, backend), inArray(r.id, rest))).all();
  return [...live, ...finished].map(rowToRecord);
}

/**
 * Inserts new READY tasks (a prepared statement, statements.ts). A task whose `uniqueKey` an
 * active row already holds is not inserted; its outcome is that holder (`created: false`).
 * Within one call, tasks sharing a key become one row. A task id that is already stored fails
 * the whole call before anything is written. Must run inside a write transaction so the
 * conflict read sees the same holders.
 */
export function insertTasks(db: SqliteDb, backend: string, now: Date, tasks: readonly NewTaskRecord[]): EnqueueOutcome[] {
  const { unique, sourceOf } = dedupeByUniqueKey(tasks);
  assertNewIds(db, backend, unique);
  // Ids were checked above, so the only conflict left is an active holder of a unique key.
  const stored = statementsOf(db).insert(backend, now, unique);
  const outcomes = new Map<number, EnqueueOutcome>();
  const conflicted: { task: NewTaskRecord; index: number }[] = [];
  unique.forEach((task, index) => {
    if (stored[index]) outcomes.set(index, { record: newTaskRecord(task, backend, now), created: true });
    else conflicted.push({ task, index });
  });
  if (conflicted.length > 0) {
    const keys = conflicted.map(({ task }) => task.uniqueKey as string);
    // Every queue row is active, so any holder of the key is the one that blocked the insert.
    const holders = db.select(queueRecordColumns).from(q).where(and(eq(q.backend, backend), inArray(q.uniqueKey, keys))).all();
    const byKey = new Map(holders.map((row) => [row.uniqueKey, rowToRecord(row)]));
    for (const { task, index } of conflicted) {
      const record = byKey.get(task.uniqueKey);
      if (!record) throw new TasksError(`Task ${task.id} was neither stored nor found as the holder of its unique key; nothing was enqueued.`);
      outcomes.set(index, { record, created: false });
    }
  }
  return tasks.map((_, position) => {
    const source = sourceOf[position] as number;
    const outcome = outcomes.get(source) as EnqueueOutcome;
    return position === sourceOf.indexOf(source) ? outcome : { record: outcome.record, created: false };
  });
}

/** The better-sqlite3 connection under `db` (the backend's, or the application's transaction). */
function connectionOf(db: SqliteDb): SqliteClient {
  const client = clientOf(db);
  if (!client) throw new TasksError("The SQLite task backend runs on a Drizzle better-sqlite3 database; this one has no better-sqlite3 connection under it.");
  return client;
}

/** The prepared statements of the connection under `db`. */
function statementsOf(db: SqliteDb): PreparedStatements {
  return preparedStatements(connectionOf(db));
}

function assertNewIds(db: SqliteDb, backend: string, tasks: readonly NewTaskRecord[]): void {
  const ids = tasks.map((task) => task.id);
  const repeated = firstRepeated(ids);
  const existing = repeated ?? findExistingId(db, ids);
  if (existing !== undefined) {
    throw new TasksError(`A task with id "${existing}" is already stored in backend "${backend}"; task ids must be unique (use newTaskId()).`);
  }
}

/** The first id that `ids` holds twice (a Set: `indexOf` per id took 6 million comparisons per 2,500 tasks). */
function firstRepeated(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/** The first of `ids` stored in either table. */
function findExistingId(db: SqliteDb, ids: readonly string[]): string | undefined {
  for (let start = 0; start < ids.length; start += ID_CHUNK) {
    const chunk = ids.slice(start, start + ID_CHUNK);
    for (const table of [q, r]) {
      const [found] = db.select({ id: table.id }).from(table).where(inArray(table.id, chunk)).limit(1).all();
      if (found) return found.id;
    }
  }
  return undefined;
}

/** Marks one claimed task SUCCESSFUL if still held (atomic tasks); returns whether it was. */
export function completeOne(db: SqliteDb, backend: string, id: string, attempt: number, now: Date, returnValue: unknown): boolean {
  const ids = statementsOf(db).complete(backend, now, [{ id, attempt, outcome: { status: "SUCCESSFUL", returnValue: returnValue as never } }]);
  return ids.length === 1;
}

/**
 * Records the worker as live (with the task names it can run, when given; otherwise it keeps
 * the names stored before) and extends the leases it still holds; reports the lost ones.
 */
export function heartbeatLeases(db: SqliteDb, params: HeartbeatParams): LostLease[] {
  const expiresAt = plusMs(params.now, params.leaseMs);
  const names = taskNameList("heartbeat()", params.taskNames);
  const seen = { lastSeenAt: params.now, expiresAt, ...(names ? { taskNames: [...names] } : {}) };
  db.insert(w)
    .values({ backend: params.backend, workerId: params.workerId, ...seen })
    .onConflictDoUpdate({ target: [w.backend, w.workerId], set: seen })
    .run();
  const lostIds: string[] = [];
  for (const lease of params.leases) {
    const result = db
      .update(q)
      .set({ leaseExpiresAt: expiresAt })
      .where(and(eq(q.backend, params.backend), eq(q.id, lease.id), RUNNING, eq(q.attempts, lease.attempt)))
      .run() as { changes: number };
    if (result.changes === 0) lostIds.push(lease.id);
  }
  if (lostIds.length === 0) return [];
  // Only the status is needed (and a row other code wrote may not read as a whole record). A
  // lost task is still live (retried or rescued) or finished (cancelled, failed by a rescue).
  const rows = [q, r].flatMap((table) =>
    db.select({ id: table.id, status: table.status }).from(table).where(and(eq(table.backend, params.backend), inArray(table.id, lostIds))).all(),
  );
  const found = new Map<string, ResultStatus | null>();
  for (const row of rows) if (!found.has(row.id)) found.set(row.id, knownStatus(row.status));
  return lostIds.map((id) => ({ id, status: found.get(id) ?? null }));
}

/**
 * RUNNING tasks whose lease expired before `now`, or that have no lease expiry at all (written
 * by other code or an older version): READY when attempts remain, keeping their runnable time
 * and so their place in claim order, otherwise FAILED and moved to the results table; `error`
 * appended either way. A rescued row that cannot be read is set aside as FAILED instead and
 * left out of the result.
 */
export function rescueExpiredTasks(db: SqliteDb, backend: string, now: Date, limit: number, error: TaskErrorRecord): TaskRecord[] {
  const expired = db
    .select({ id: q.id })
    .from(q)
    .where(and(eq(q.backend, backend), RUNNING, sql`(${q.leaseExpiresAt} IS NULL OR ${q.leaseExpiresAt} < ${ms(now)})`))
    .orderBy(asc(q.leaseExpiresAt))
    .limit(limit);
  const retry = sql`${q.attempts} < ${q.maxAttempts}`;
  // Both outcomes are written in place first (one statement, whose RETURNING gives the
  // records); the FAILED rows then move, unchanged, to the results table.
  const rows = db
    .update(q)
    .set({
      status: sql`CASE WHEN ${retry} THEN 'READY' ELSE 'FAILED' END`,
      // Errors that are not JSON (other code) stay as they are, for the set-aside below to report.
      errors: sql`CASE WHEN json_valid(${q.errors}) THEN ${appendJson(q.errors, errorCopy(error))} ELSE ${q.errors} END`,
      leaseExpiresAt: null,
      finishedAt: sql`CASE WHEN ${retry} THEN NULL ELSE ${ms(now)} END`,
    })
    .where(inArray(q.id, expired))
    .returning(queueRecordColumns)
    .all();
  const { records, unreadable } = readRows(rows);
  const client = connectionOf(db);
  if (unreadable.length > 0) setAsideRows(client, backend, now, unreadable);
  moveFinishedRows(
    client,
    backend,
    records.filter((record) => record.status === ResultStatus.FAILED).map((record) => record.id),
  );
  return records.sort((a, b) => a.id.localeCompare(b.id));
}

/** READY or RUNNING → CANCELLED (moved to the results table); a finished row comes back unchanged; null for an unknown id. */
export function cancelTask(db: SqliteDb, backend: string, now: Date, id: string): TaskRecord | null {
  moveRows(connectionOf(db), {
    where: "id = ? AND backend = ? AND (status = 'READY' OR status = 'RUNNING')",
    whereValues: [id, backend],
    set: { status: "'CANCELLED'", finished_at: "?", lease_expires_at: "NULL" },
    setValues: [now.getTime()],
  });
  const [record] = rowsById(db, backend, [id]);
  return record ?? null;
}

/** Cancels every READY task with this name and identity hash (moved to the results table); returns how many. */
export function descheduleTasks(db: SqliteDb, backend: string, now: Date, taskName: string, identityHash: string): number {
  return moveRows(connectionOf(db), {
    where: "identity_hash = ? AND backend = ? AND task_name = ? AND status = 'READY'",
    whereValues: [identityHash, backend, taskName],
    set: { status: "'CANCELLED'", finished_at: "?" },
    setValues: [now.getTime()],
  });
}

/** One task by id, or null. */
export function getTask(db: SqliteDb, backend: string, id: string): TaskRecord | null {
  const [record] = rowsById(db, backend, [id]);
  return record ?? null;
}

/** How many RUNNING tasks `health()` lists at most. */
const HEALTH_RUNNING_LIMIT = 1000;

/**
 * The count by queue and status that `health()` reads (exported to EXPLAIN it). Scope
 * `"all"`: one statement over both tables, so a task moved by another process while health
 * reads is counted once; the report adds up the groups (a queue and status may appear in each
 * table). Scope `"live"`: the READY and RUNNING rows of the queue table only; the results
 * table, which grows with every finished task, is not read.
 */
export function healthCountsQuery(db: SqliteDb, params: HealthParams) {
  const countsOf = (table: typeof q | typeof r, only?: SQL) =>
    db
      .select({ queueName: table.queueName, status: table.status, count: sql<number>`count(*)` })
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
export function healthOf(db: SqliteDb, params: HealthParams): HealthReport {
  const live = eq(q.backend, params.backend);
  const counts = healthCountsQuery(db, params).all();
  const readyByName = db
    .select({ taskName: q.taskName, queueName: q.queueName, count: sql<number>`count(*)` })
    .from(q)
    .where(and(live, READY))
    .groupBy(q.taskName, q.queueName)
    .all();
  const oldest = db
    .select({ queueName: q.queueName, oldest: sql<number>`min(${q.runnableAt})` })
    .from(q)
    .where(and(live, READY, sql`(${q.runAfter} IS NULL OR ${q.runAfter} <= ${ms(params.now)})`))
    .groupBy(q.queueName)
    .all();
  const running = db.select(runningColumns).from(q).where(and(live, RUNNING)).orderBy(asc(q.startedAt), asc(q.id)).limit(HEALTH_RUNNING_LIMIT).all();
  const failures =
    params.recentFailures > 0
      ? db
          .select(failureColumns)
          .from(r)
          .where(and(eq(r.backend, params.backend), FINISHED, FAILED))
          .orderBy(desc(r.finishedAt), desc(r.id))
          .limit(params.recentFailures)
          .all()
      : [];
  const workers = db
    .select(workerColumns)
    .from(w)
    .where(and(eq(w.backend, params.backend), sql`${w.expiresAt} >= ${ms(params.now)}`))
    .orderBy(asc(w.workerId))
    .all();
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
 * run): first SUCCESSFUL and CANCELLED rows, then FAILED ones, each a range of the finished
 * index.
 */
export function pruneTasks(db: SqliteDb, params: PruneParams): number {
  const scope = and(
    eq(r.backend, params.backend),
    FINISHED,
    params.queues ? (params.queues.length === 0 ? sql`0` : inArray(r.queueName, [...params.queues])) : undefined,
  );
  const parts = [
    and(scope, sql`${r.status} IN ('SUCCESSFUL', 'CANCELLED')`, sql`${r.finishedAt} < ${ms(params.finishedBefore)}`),
    and(scope, FAILED, sql`${r.finishedAt} < ${ms(params.failedBefore)}`),
  ];
  if (params.dryRun) {
    return parts.reduce((sum, part) => sum + Number(db.select({ count: sql<number>`count(*)` }).from(r).where(part).all()[0]?.count ?? 0), 0);
  }
  let deleted = 0;
  for (const part of parts) {
    if (deleted >= params.limit) break;
    const chunk = db.select({ id: r.id }).from(r).where(part).limit(params.limit - deleted);
    deleted += (db.delete(r).where(inArray(r.id, chunk)).run() as { changes: number }).changes;
  }
  db.delete(w).where(and(eq(w.backend, params.backend), sql`${w.expiresAt} < ${ms(params.finishedBefore)}`)).run();
  return deleted;
}
