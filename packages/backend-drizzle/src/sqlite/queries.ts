/**
 * The SQLite storage operations, one function each. The hot-path SQL (claim, completion, the
 * insert of new tasks) is prepared once per connection in statements.ts, as a draining worker
 * runs it thousands of times a second; the rest is built here with Drizzle. Each takes the
 * database (or a transaction) to run on, runs synchronously (better-sqlite3) and returns rows
 * mapped to plain records; no row leaves this file. Callers wrap writes in an immediate
 * transaction.
 *
 * Status constants are written into the SQL text, not bound: SQLite uses a partial index only
 * when the query's WHERE visibly implies the index's WHERE, which a parameter does not.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
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
import { TasksError } from "@tasks/core/backend";
import { buildHealthReport, dedupeByUniqueKey, knownStatus, newTaskRecord, readRows, rowToRecord, taskNameList } from "../shared/rows.js";
import { clientOf } from "./open.js";
import { failureColumns, recordColumns, runningColumns, tasksResults as t, tasksWorkers as w, workerColumns } from "./schema.js";
import { setAsideRows } from "./set-aside.js";
import { preparedStatements, type PreparedStatements } from "./statements.js";

/** A Drizzle SQLite database or transaction on a synchronous driver (better-sqlite3). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqliteDb = BaseSQLiteDatabase<"sync", any, any, any>;

const READY = sql`${t.status} = 'READY'`;
const RUNNING = sql`${t.status} = 'RUNNING'`;
const ACTIVE = sql`${t.status} IN ('READY', 'RUNNING')`;
/** The finished index's own WHERE, word for word: a query must repeat it for SQLite to use that index. */
const FINISHED = sql`(${t.status} = 'SUCCESSFUL' OR ${t.status} = 'FAILED' OR ${t.status} = 'CANCELLED')`;
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
function appendJson(column: SQL | typeof t.errors | typeof t.workerIds, value: unknown): SQL {
  return sql`json_insert(${column}, '$[#]', json(${JSON.stringify(value)}))`;
}

function errorCopy(error: TaskErrorRecord): TaskErrorRecord {
  return { className: error.className, message: error.message, stack: error.stack };
}

/** Reads rows by id (used after conflicts and lost leases). */
function rowsById(db: SqliteDb, backend: string, ids: readonly string[]): TaskRecord[] {
  if (ids.length === 0) return [];
  return db.select(recordColumns).from(t).where(and(eq(t.backend, backend), inArray(t.id, [...ids]))).all().map(rowToRecord);
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
    const holders = db.select(recordColumns).from(t).where(and(eq(t.backend, backend), inArray(t.uniqueKey, keys), ACTIVE)).all();
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

/** The prepared statements of the connection under `db` (the backend's, or the application's transaction). */
function statementsOf(db: SqliteDb): PreparedStatements {
  const client = clientOf(db);
  if (!client) throw new TasksError("The SQLite task backend runs on a Drizzle better-sqlite3 database; this one has no better-sqlite3 connection under it.");
  return preparedStatements(client);
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

function findExistingId(db: SqliteDb, ids: readonly string[]): string | undefined {
  for (let start = 0; start < ids.length; start += ID_CHUNK) {
    const [found] = db
      .select({ id: t.id })
      .from(t)
      .where(inArray(t.id, ids.slice(start, start + ID_CHUNK)))
      .limit(1)
      .all();
    if (found) return found.id;
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
      .update(t)
      .set({ leaseExpiresAt: expiresAt })
      .where(and(eq(t.backend, params.backend), eq(t.id, lease.id), RUNNING, eq(t.attempts, lease.attempt)))
      .run() as { changes: number };
    if (result.changes === 0) lostIds.push(lease.id);
  }
  if (lostIds.length === 0) return [];
  // Only the status is needed (and a row other code wrote may not read as a whole record).
  const rows = db.select({ id: t.id, status: t.status }).from(t).where(and(eq(t.backend, params.backend), inArray(t.id, lostIds))).all();
  const found = new Map(rows.map((row) => [row.id, knownStatus(row.status)]));
  return lostIds.map((id) => ({ id, status: found.get(id) ?? null }));
}

/**
 * RUNNING tasks whose lease expired before `now`, or that have no lease expiry at all (written
 * by other code or an older version): READY when attempts remain, keeping their runnable time
 * and so their place in claim order, otherwise FAILED; `error` appended either way. A rescued
 * row that cannot be read is set aside as FAILED instead and left out of the result.
 */
export function rescueExpiredTasks(db: SqliteDb, backend: string, now: Date, limit: number, error: TaskErrorRecord): TaskRecord[] {
  const expired = db
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.backend, backend), RUNNING, sql`(${t.leaseExpiresAt} IS NULL OR ${t.leaseExpiresAt} < ${ms(now)})`))
    .orderBy(asc(t.leaseExpiresAt))
    .limit(limit);
  const retry = sql`${t.attempts} < ${t.maxAttempts}`;
  const rows = db
    .update(t)
    .set({
      status: sql`CASE WHEN ${retry} THEN 'READY' ELSE 'FAILED' END`,
      // Errors that are not JSON (other code) stay as they are, for the set-aside below to report.
      errors: sql`CASE WHEN json_valid(${t.errors}) THEN ${appendJson(t.errors, errorCopy(error))} ELSE ${t.errors} END`,
      leaseExpiresAt: null,
      finishedAt: sql`CASE WHEN ${retry} THEN NULL ELSE ${ms(now)} END`,
    })
    .where(inArray(t.id, expired))
    .returning(recordColumns)
    .all();
  const { records, unreadable } = readRows(rows);
  const client = clientOf(db);
  if (unreadable.length > 0 && client) setAsideRows(client, backend, now, unreadable);
  return records.sort((a, b) => a.id.localeCompare(b.id));
}

/** READY or RUNNING → CANCELLED; a finished row comes back unchanged; null for an unknown id. */
export function cancelTask(db: SqliteDb, backend: string, now: Date, id: string): TaskRecord | null {
  const [cancelled] = db
    .update(t)
    .set({ status: "CANCELLED", finishedAt: now, leaseExpiresAt: null })
    .where(and(eq(t.backend, backend), eq(t.id, id), ACTIVE))
    .returning(recordColumns)
    .all();
  if (cancelled) return rowToRecord(cancelled);
  const [existing] = rowsById(db, backend, [id]);
  return existing ?? null;
}

/** Cancels every READY task with this name and identity hash; returns how many. */
export function descheduleTasks(db: SqliteDb, backend: string, now: Date, taskName: string, identityHash: string): number {
  const result = db
    .update(t)
    .set({ status: "CANCELLED", finishedAt: now })
    .where(and(eq(t.backend, backend), eq(t.taskName, taskName), eq(t.identityHash, identityHash), READY))
    .run() as { changes: number };
  return result.changes;
}

/** One task by id, or null. */
export function getTask(db: SqliteDb, backend: string, id: string): TaskRecord | null {
  const [record] = rowsById(db, backend, [id]);
  return record ?? null;
}

/** How many RUNNING tasks `health()` lists at most. */
const HEALTH_RUNNING_LIMIT = 1000;

/** Counts by queue and status, oldest runnable READY task, running tasks, recent failures, live workers, unrunnable READY tasks. */
export function healthOf(db: SqliteDb, params: HealthParams): HealthReport {
  const mine = eq(t.backend, params.backend);
  const counts = db
    .select({ queueName: t.queueName, status: t.status, count: sql<number>`count(*)` })
    .from(t)
    .where(mine)
    .groupBy(t.queueName, t.status)
    .all();
  const readyByName = db
    .select({ taskName: t.taskName, queueName: t.queueName, count: sql<number>`count(*)` })
    .from(t)
    .where(and(mine, READY))
    .groupBy(t.taskName, t.queueName)
    .all();
  const [oldest] = db
    .select({ oldest: sql<number | null>`min(${t.runnableAt})` })
    .from(t)
    .where(and(mine, READY, sql`(${t.runAfter} IS NULL OR ${t.runAfter} <= ${ms(params.now)})`))
    .all();
  const running = db.select(runningColumns).from(t).where(and(mine, RUNNING)).orderBy(asc(t.startedAt), asc(t.id)).limit(HEALTH_RUNNING_LIMIT).all();
  const failures =
    params.recentFailures > 0
      ? db
          .select(failureColumns)
          .from(t)
          .where(and(mine, FINISHED, sql`${t.status} = 'FAILED'`))
          .orderBy(desc(t.finishedAt), desc(t.id))
          .limit(params.recentFailures)
          .all()
      : [];
  const workers = db
    .select(workerColumns)
    .from(w)
    .where(and(eq(w.backend, params.backend), sql`${w.expiresAt} >= ${ms(params.now)}`))
    .orderBy(asc(w.workerId))
    .all();
  const oldestValue = oldest?.oldest ?? null;
  return buildHealthReport({
    counts,
    readyByName,
    oldestRunnableAt: oldestValue === null ? null : new Date(oldestValue),
    running,
    failures,
    workers,
    now: params.now,
  });
}

/**
 * Deletes one chunk of finished rows past their threshold (or counts all of them for a dry
 * run): first SUCCESSFUL and CANCELLED rows, then FAILED ones, each a range of the finished
 * index, so a chunk reads about as many index entries as it deletes.
 */
export function pruneTasks(db: SqliteDb, params: PruneParams): number {
  const scope = and(
    eq(t.backend, params.backend),
    FINISHED,
    params.queues ? (params.queues.length === 0 ? sql`0` : inArray(t.queueName, [...params.queues])) : undefined,
  );
  const parts = [
    and(scope, sql`${t.status} IN ('SUCCESSFUL', 'CANCELLED')`, sql`${t.finishedAt} < ${ms(params.finishedBefore)}`),
    and(scope, sql`${t.status} = 'FAILED'`, sql`${t.finishedAt} < ${ms(params.failedBefore)}`),
  ];
  if (params.dryRun) {
    return parts.reduce((sum, part) => sum + Number(db.select({ count: sql<number>`count(*)` }).from(t).where(part).all()[0]?.count ?? 0), 0);
  }
  let deleted = 0;
  for (const part of parts) {
    if (deleted >= params.limit) break;
    const chunk = db.select({ id: t.id }).from(t).where(part).limit(params.limit - deleted);
    deleted += (db.delete(t).where(inArray(t.id, chunk)).run() as { changes: number }).changes;
  }
  db.delete(w).where(and(eq(w.backend, params.backend), sql`${w.expiresAt} < ${ms(params.finishedBefore)}`)).run();
  return deleted;
}
