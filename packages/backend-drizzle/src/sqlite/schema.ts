/**
 * The SQLite tables: the same logical schema as the Postgres ones, with timestamps stored as
 * integer milliseconds and JSON as text. Export these into your own drizzle-kit schema to
 * manage the tables with your migrations, or call `migrate(db)` to apply the bundled ones.
 */
import { getTableColumns, sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { JsonValue, TaskErrorRecord } from "@tasks/core/backend";

const time = (name: string) => integer(name, { mode: "timestamp_ms" });

/** One row per task; `backend` is the alias, so several aliases can share the table. */
export const tasksResults = sqliteTable(
  "tasks_results",
  {
    id: text("id").primaryKey(),
    backend: text("backend").notNull(),
    taskName: text("task_name").notNull(),
    queueName: text("queue_name").notNull(),
    priority: integer("priority").notNull(),
    args: text("args", { mode: "json" }).$type<JsonValue[]>().notNull(),
    status: text("status").notNull(),
    runAfter: time("run_after"),
    /** `coalesce(run_after, enqueued_at)`, kept up to date by every write; the claim order key. */
    runnableAt: time("runnable_at").notNull(),
    enqueuedAt: time("enqueued_at").notNull(),
    startedAt: time("started_at"),
    finishedAt: time("finished_at"),
    lastAttemptedAt: time("last_attempted_at"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    workerIds: text("worker_ids", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    errors: text("errors", { mode: "json" }).$type<TaskErrorRecord[]>().notNull().default(sql`'[]'`),
    returnValue: text("return_value", { mode: "json" }).$type<JsonValue>(),
    leaseExpiresAt: time("lease_expires_at"),
    identityHash: text("identity_hash").notNull(),
    uniqueKey: text("unique_key"),
  },
  (table) => [
    // Only READY rows, in claim order: claims read the head of this index and stop.
    index("tasks_results_claim_idx")
      .on(table.backend, table.queueName, sql`${table.priority} DESC`, table.runnableAt, table.id)
      .where(sql`${table.status} = 'READY'`),
    // All-queue claims: same order without the queue column.
    index("tasks_results_claim_any_queue_idx")
      .on(table.backend, sql`${table.priority} DESC`, table.runnableAt, table.id)
      .where(sql`${table.status} = 'READY'`),
    uniqueIndex("tasks_results_unique_key_idx")
      .on(table.backend, table.uniqueKey)
      .where(sql`${table.uniqueKey} IS NOT NULL AND ${table.status} IN ('READY', 'RUNNING')`),
    index("tasks_results_lease_idx").on(table.backend, table.leaseExpiresAt).where(sql`${table.status} = 'RUNNING'`),
    // Finished rows, for prune and health. Written with OR, not `IN (…)`: SQLite evaluates a
    // partial index's WHERE for every row written, and compiles a three-value IN list into a
    // temporary table each time (twice per UPDATE), which cost more than the rest of a completion.
    index("tasks_results_finished_idx")
      .on(table.backend, table.status, table.finishedAt)
      .where(sql`(${table.status} = 'SUCCESSFUL' OR ${table.status} = 'FAILED' OR ${table.status} = 'CANCELLED')`),
    // deschedule() looks READY rows up by identity hash, which already covers the task name;
    // indexing the hash alone keeps the entries narrow (Postgres uses a hash index here). Every
    // row has its entry, written once at insert and removed by prune: SQLite deletes an entry
    // of a partial index as soon as a row leaves its WHERE, and a `status = 'READY'` index lost
    // one entry per claimed task at a random place (the hash), one more page per task written
    // to the WAL on every claim, about a third of a draining worker's SQLite time.
    index("tasks_results_identity_idx").on(table.identityHash),
  ],
);

/** Live workers: one row per worker id, refreshed by every heartbeat. */
export const tasksWorkers = sqliteTable(
  "tasks_workers",
  {
    backend: text("backend").notNull(),
    workerId: text("worker_id").notNull(),
    lastSeenAt: time("last_seen_at").notNull(),
    expiresAt: time("expires_at").notNull(),
    /** The task names the worker can run (a JSON array); null if it never said, so it counts as running any. */
    taskNames: text("task_names", { mode: "json" }).$type<string[]>(),
  },
  (table) => [primaryKey({ columns: [table.backend, table.workerId] })],
);

/** A `tasks_results` row as Drizzle returns it. */
export type TaskRow = typeof tasksResults.$inferSelect;

/**
 * Every column for a record, JSON columns and times as stored: the shared row reader parses
 * them, so a value other code wrote (text that is not JSON, text in a time column) is named
 * with what it holds, not thrown.
 */
export const recordColumns = {
  ...getTableColumns(tasksResults),
  args: sql<string>`${tasksResults.args}`,
  workerIds: sql<string>`${tasksResults.workerIds}`,
  errors: sql<string>`${tasksResults.errors}`,
  returnValue: sql<string | null>`${tasksResults.returnValue}`,
  runAfter: sql<unknown>`${tasksResults.runAfter}`,
  enqueuedAt: sql<unknown>`${tasksResults.enqueuedAt}`,
  startedAt: sql<unknown>`${tasksResults.startedAt}`,
  finishedAt: sql<unknown>`${tasksResults.finishedAt}`,
  lastAttemptedAt: sql<unknown>`${tasksResults.lastAttemptedAt}`,
  leaseExpiresAt: sql<unknown>`${tasksResults.leaseExpiresAt}`,
};

/** What `health()` lists of a RUNNING task. */
export const runningColumns = {
  id: tasksResults.id,
  taskName: tasksResults.taskName,
  queueName: tasksResults.queueName,
  workerIds: sql<string>`${tasksResults.workerIds}`,
  startedAt: tasksResults.startedAt,
  leaseExpiresAt: tasksResults.leaseExpiresAt,
};

/** What `health()` lists of a FAILED task. */
export const failureColumns = {
  id: tasksResults.id,
  taskName: tasksResults.taskName,
  queueName: tasksResults.queueName,
  finishedAt: tasksResults.finishedAt,
  errors: sql<string>`${tasksResults.errors}`,
};

/** What `health()` lists of a live worker (its task names as the stored text). */
export const workerColumns = { ...getTableColumns(tasksWorkers), taskNames: sql<string | null>`${tasksWorkers.taskNames}` };
