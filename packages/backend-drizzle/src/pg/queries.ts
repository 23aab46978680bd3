/**
 * The Postgres storage operations, one function each. The hot-path SQL (claim, completion,
 * the insert of new tasks) is in statements.ts; the rest is built here with Drizzle. Each
 * takes the database (or a transaction) to run on and returns rows mapped to plain records;
 * no row leaves this file.
 */
import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
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
import { buildHealthReport, dedupeByUniqueKey, knownStatus, newTaskRecord, readRows, rowToRecord, taskNameList } from "../shared/rows.js";
import { failureColumns, recordColumns, runningColumns, tasksResults as t, tasksWorkers as w } from "./schema.js";
import { arrayLiteral, completeTasks, ENQUEUED_CHANNEL, insertRows, resultRows, setAsideRows } from "./statements.js";

export type { PgDb } from "./db.js";
/** The channel `enqueue` notifies on (written into the insert statement); the payload is the queue name. */
export { ENQUEUED_CHANNEL } from "./statements.js";

// Status tests are literal SQL (not parameters) so that even generic prepared plans can
// prove the partial indexes' predicates.
const ACTIVE = sql`${t.status} IN ('READY', 'RUNNING')`;
const IS_READY = sql`${t.status} = 'READY'`;
const IS_RUNNING = sql`${t.status} = 'RUNNING'`;
const IS_FAILED = sql`${t.status} = 'FAILED'`;

/** A timestamptz parameter (drizzle's postgres.js setup passes dates through as strings). */
function at(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

function plusMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/** Reads rows by id (used after conflicts and lost leases). */
async function rowsById(db: PgDb, backend: string, ids: readonly string[]): Promise<TaskRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.select(recordColumns).from(t).where(and(eq(t.backend, backend), inArray(t.id, [...ids])));
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
    const holders = await db.select(recordColumns).from(t).where(and(eq(t.backend, backend), inArray(t.uniqueKey, keys), ACTIVE));
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
    UPDATE tasks_results AS t SET lease_expires_at = ${at(expiresAt)}
    FROM jsonb_to_recordset(${leases}::jsonb) AS v(id uuid, attempt integer)
    WHERE t.id = v.id AND t.backend = ${params.backend} AND t.attempts = v.attempt AND t.status = 'RUNNING'
    RETURNING t.id`);
  const keptIds = new Set(resultRows<{ id: string }>(kept).map((row) => row.id));
  const lostIds = params.leases.map((lease) => lease.id).filter((id) => !keptIds.has(id));
  if (lostIds.length === 0) return [];
  // Only the status is needed (and a row other code wrote may not read as a whole record).
  const rows = await db.select({ id: t.id, status: t.status }).from(t).where(and(eq(t.backend, params.backend), inArray(t.id, lostIds)));
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
  const expired = db.$with("expired").as(
    db
      .select({ expiredId: t.id })
      .from(t)
      .where(and(eq(t.backend, backend), IS_RUNNING, sql`(${t.leaseExpiresAt} IS NULL OR ${t.leaseExpiresAt} < ${at(now)})`))
      .orderBy(sql`${t.leaseExpiresAt} ASC NULLS FIRST`)
      .limit(limit)
      .for("update", { skipLocked: true }),
  );
  const retry = sql`${t.attempts} < ${t.maxAttempts}`;
  const rows = await db
    .with(expired)
    .update(t)
    .set({
      status: sql`CASE WHEN ${retry} THEN 'READY' ELSE 'FAILED' END`,
      errors: sql`CASE WHEN jsonb_typeof(${t.errors}) = 'array' THEN ${t.errors} ELSE '[]'::jsonb END || jsonb_build_array(${JSON.stringify(error)}::jsonb)`,
      leaseExpiresAt: null,
      finishedAt: sql`CASE WHEN ${retry} THEN NULL ELSE ${at(now)} END`,
    })
    .from(expired)
    .where(eq(t.id, expired.expiredId))
    .returning(recordColumns);
  const { records, unreadable } = readRows(rows);
  await setAsideRows(db, null, backend, now, unreadable);
  return records.sort((a, b) => a.id.localeCompare(b.id));
}

/** READY or RUNNING → CANCELLED; a finished row comes back unchanged; null for an unknown id. */
export async function cancelTask(db: PgDb, backend: string, now: Date, id: string): Promise<TaskRecord | null> {
  const [cancelled] = await db
    .update(t)
    .set({ status: "CANCELLED", finishedAt: now, leaseExpiresAt: null })
    .where(and(eq(t.backend, backend), eq(t.id, id), ACTIVE))
    .returning(recordColumns);
  if (cancelled) return rowToRecord(cancelled);
  const [existing] = await rowsById(db, backend, [id]);
  return existing ?? null;
}

/** Cancels every READY task with this name and identity hash; returns how many. */
export async function descheduleTasks(db: PgDb, backend: string, now: Date, taskName: string, identityHash: string): Promise<number> {
  const rows = await db
    .update(t)
    .set({ status: "CANCELLED", finishedAt: now })
    .where(and(eq(t.backend, backend), eq(t.taskName, taskName), eq(t.identityHash, identityHash), IS_READY))
    .returning({ id: t.id });
  return rows.length;
}

/** One task by id, or null. */
export async function getTask(db: PgDb, backend: string, id: string): Promise<TaskRecord | null> {
  const [record] = await rowsById(db, backend, [id]);
  return record ?? null;
}

/** How many RUNNING tasks `health()` lists at most. */
const HEALTH_RUNNING_LIMIT = 1000;

/** Counts by queue and status, oldest runnable READY task, running tasks, recent failures, live workers, unrunnable READY tasks. */
export async function healthOf(db: PgDb, params: HealthParams): Promise<HealthReport> {
  const mine = eq(t.backend, params.backend);
  const [counts, readyByName, oldest, running, failures, workers] = await Promise.all([
    db
      .select({ queueName: t.queueName, status: t.status, count: sql<string>`count(*)` })
      .from(t)
      .where(mine)
      .groupBy(t.queueName, t.status),
    db
      .select({ taskName: t.taskName, queueName: t.queueName, count: sql<string>`count(*)` })
      .from(t)
      .where(and(mine, IS_READY))
      .groupBy(t.taskName, t.queueName),
    db
      .select({ oldest: sql<string | null>`min(${t.runnableAt})` })
      .from(t)
      .where(and(mine, IS_READY, sql`${t.runnableAt} <= ${at(params.now)}`)),
    db.select(runningColumns).from(t).where(and(mine, IS_RUNNING)).orderBy(asc(t.startedAt), asc(t.id)).limit(HEALTH_RUNNING_LIMIT),
    params.recentFailures > 0
      ? db.select(failureColumns).from(t).where(and(mine, IS_FAILED)).orderBy(desc(t.finishedAt), desc(t.id)).limit(params.recentFailures)
      : Promise.resolve([]),
    db.select().from(w).where(and(eq(w.backend, params.backend), sql`${w.expiresAt} >= ${at(params.now)}`)).orderBy(asc(w.workerId)),
  ]);
  const oldestValue = oldest[0]?.oldest ?? null;
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

/** Deletes one chunk of finished rows past their threshold (or counts all of them for a dry run). */
export async function pruneTasks(db: PgDb, params: PruneParams): Promise<number> {
  const prunable = and(
    eq(t.backend, params.backend),
    or(
      and(sql`${t.status} IN ('SUCCESSFUL', 'CANCELLED')`, sql`${t.finishedAt} < ${at(params.finishedBefore)}`),
      and(IS_FAILED, sql`${t.finishedAt} < ${at(params.failedBefore)}`),
    ),
    params.queues ? (params.queues.length === 0 ? sql`false` : inArray(t.queueName, [...params.queues])) : undefined,
  );
  if (params.dryRun) {
    const [row] = await db.select({ count: sql<string>`count(*)` }).from(t).where(prunable);
    return Number(row?.count ?? 0);
  }
  const chunk = db.select({ id: t.id }).from(t).where(prunable).orderBy(asc(t.finishedAt)).limit(params.limit);
  const deleted = await db.delete(t).where(inArray(t.id, chunk)).returning({ id: t.id });
  await db.delete(w).where(and(eq(w.backend, params.backend), sql`${w.expiresAt} < ${at(params.finishedBefore)}`));
  return deleted.length;
}
