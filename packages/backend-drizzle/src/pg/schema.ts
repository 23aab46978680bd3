/**
 * The Postgres tables. Export these into your own drizzle-kit schema to manage the tables
 * with your migrations, or call `migrate(db)` to apply the bundled ones.
 */
import { getTableColumns, sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { JsonValue, TaskErrorRecord } from "@tasks/core/backend";

const time = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/** One row per task; `backend` is the alias, so several aliases can share the table. */
export const tasksResults = pgTable(
  "tasks_results",
  {
    id: uuid("id").primaryKey(),
    backend: text("backend").notNull(),
    taskName: text("task_name").notNull(),
    queueName: text("queue_name").notNull(),
    priority: smallint("priority").notNull(),
    args: jsonb("args").$type<JsonValue[]>().notNull(),
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
    workerIds: jsonb("worker_ids").$type<string[]>().notNull().default([]),
    errors: jsonb("errors").$type<TaskErrorRecord[]>().notNull().default([]),
    returnValue: jsonb("return_value").$type<JsonValue>(),
    leaseExpiresAt: time("lease_expires_at"),
    identityHash: text("identity_hash").notNull(),
    uniqueKey: text("unique_key"),
  },
  (table) => [
    // Only READY rows, in claim order: claims read the head of this index and stop.
    index("tasks_results_claim_idx")
      .on(table.backend, table.queueName, table.priority.desc().nullsFirst(), table.runnableAt, table.id)
      .where(sql`${table.status} = 'READY'`),
    // All-queue claims: same order without the queue column.
    index("tasks_results_claim_any_queue_idx")
      .on(table.backend, table.priority.desc().nullsFirst(), table.runnableAt, table.id)
      .where(sql`${table.status} = 'READY'`),
    uniqueIndex("tasks_results_unique_key_idx")
      .on(table.backend, table.uniqueKey)
      .where(sql`${table.uniqueKey} IS NOT NULL AND ${table.status} IN ('READY', 'RUNNING')`),
    index("tasks_results_lease_idx").on(table.backend, table.leaseExpiresAt).where(sql`${table.status} = 'RUNNING'`),
    // Same predicate as the SQLite index (written with OR there for SQLite's sake), so both
    // dialects keep identical index definitions and migration names.
    index("tasks_results_finished_idx")
      .on(table.backend, table.status, table.finishedAt)
      .where(sql`(${table.status} = 'SUCCESSFUL' OR ${table.status} = 'FAILED' OR ${table.status} = 'CANCELLED')`),
    // deschedule() looks READY rows up by identity hash, which already covers the task name.
    // A hash index on the hash alone: its entries are 4-byte codes rather than 64-character
    // keys, which made bulk enqueues about 20% faster than the old (backend, name, hash) btree.
    index("tasks_results_identity_idx").using("hash", table.identityHash).where(sql`${table.status} = 'READY'`),
  ],
);

/** Live workers: one row per worker id, refreshed by every heartbeat. */
export const tasksWorkers = pgTable(
  "tasks_workers",
  {
    backend: text("backend").notNull(),
    workerId: text("worker_id").notNull(),
    lastSeenAt: time("last_seen_at").notNull(),
    expiresAt: time("expires_at").notNull(),
    /** The task names the worker can run (a JSON array); null if it never said, so it counts as running any. */
    taskNames: jsonb("task_names").$type<string[]>(),
  },
  (table) => [primaryKey({ columns: [table.backend, table.workerId] })],
);

/** A `tasks_results` row as Drizzle returns it. */
export type TaskRow = typeof tasksResults.$inferSelect;

/**
 * Every column for a record, JSON columns as their text and times as the driver sends them:
 * the shared row reader parses them, so a stored JSON string stays a string (the driver's JSON
 * parsing, then Drizzle's, would turn "[1]" into an array) and a value that cannot be read is
 * named with what it holds, not thrown.
 */
export const recordColumns = {
  ...getTableColumns(tasksResults),
  args: sql<string>`${tasksResults.args}::text`,
  workerIds: sql<string>`${tasksResults.workerIds}::text`,
  errors: sql<string>`${tasksResults.errors}::text`,
  returnValue: sql<string | null>`${tasksResults.returnValue}::text`,
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
  workerIds: sql<string>`${tasksResults.workerIds}::text`,
  startedAt: tasksResults.startedAt,
  leaseExpiresAt: tasksResults.leaseExpiresAt,
};

/** What `health()` lists of a FAILED task. */
export const failureColumns = {
  id: tasksResults.id,
  taskName: tasksResults.taskName,
  queueName: tasksResults.queueName,
  finishedAt: tasksResults.finishedAt,
  errors: sql<string>`${tasksResults.errors}::text`,
};
