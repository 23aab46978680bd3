/**
 * The Postgres tables. Export these into your own drizzle-kit schema to manage the tables
 * with your migrations, or call `migrate(db)` to apply the bundled ones.
 */
import { getTableColumns, sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { JsonValue, TaskErrorRecord } from "@tasks/core/backend";

const time = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

/**
 * The columns of a task row. Both task tables have exactly these, in this order, so a row
 * moves from one to the other with `INSERT … SELECT` of the same list.
 */
function taskColumns() {
  return {
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
    /** The schedule occurrence the task was enqueued for; NULL for a task no schedule enqueued. Last, where migration 0006 added it. */
    scheduledFor: time("scheduled_for"),
    /** The propagation fields of the trace that enqueued the task; NULL when none was active. Last, where migration 0007 added it. */
    traceContext: jsonb("trace_context").$type<Record<string, string>>(),
  };
}

/**
 * The live tasks: READY and RUNNING rows only, so the table stays as small as the backlog. A
 * task's row is written here at enqueue, updated by its claims and retries, and moved to
 * {@link tasksResults} in the statement that finishes it. `backend` is the alias, so several
 * aliases can share the table.
 */
export const tasksQueue = pgTable("tasks_queue", taskColumns(), (table) => [
  // READY rows only, in claim order: higher priority first, then runnable time, then id. The
  // priority is negated so that every column ascends and a claim can resume after the last
  // row it took with one row comparison; and no index but the primary key can serve a lookup
  // by id (an index over every row let the planner pick it for those after autoanalyze).
  index("tasks_queue_claim_idx")
    .on(table.backend, table.queueName, sql`(-${table.priority})`, table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  // All-queue claims: same order without the queue column.
  index("tasks_queue_claim_any_queue_idx")
    .on(table.backend, sql`(-${table.priority})`, table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  // Every row here is active, so a unique key is held by any row that has one.
  uniqueIndex("tasks_queue_unique_key_idx").on(table.backend, table.uniqueKey).where(sql`${table.uniqueKey} IS NOT NULL`),
]);

/**
 * The finished tasks (SUCCESSFUL, FAILED, CANCELLED), each written once when its task
 * finished, with its result and history; read by id, pruned by finish time.
 */
export const tasksResults = pgTable("tasks_results", taskColumns(), (table) => [
  // These four serve only a process of the version before this layout, still running during
  // a deploy: it inserts READY rows here (naming the unique index in ON CONFLICT; a trigger
  // moves each such row to the queue table at once), and its claims, lease renewals and
  // rescues look for READY and RUNNING rows here. The indexes stay empty, so an insert of a
  // finished row writes no entry to them; without them each of those lookups, woken by every
  // enqueue's notification, would read the whole results table.
  uniqueIndex("tasks_results_unique_key_idx")
    .on(table.backend, table.uniqueKey)
    .where(sql`${table.uniqueKey} IS NOT NULL AND ${table.status} IN ('READY', 'RUNNING')`),
  index("tasks_results_claim_idx")
    .on(table.backend, table.queueName, table.priority.desc().nullsFirst(), table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  index("tasks_results_claim_any_queue_idx")
    .on(table.backend, table.priority.desc().nullsFirst(), table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  index("tasks_results_lease_idx").on(table.backend, table.leaseExpiresAt).where(sql`${table.status} = 'RUNNING'`),
  // Failures are few and are kept longer: health's recent failures and the pruning of failed
  // rows read this; successes pay no index entry beyond the primary key.
  index("tasks_results_failed_idx").on(table.backend, table.finishedAt).where(sql`${table.status} = 'FAILED'`),
  // Prune's: rows are appended in about the order they finish, so each block range holds a
  // narrow span of finish times. A block-range index is a few pages for millions of rows and
  // is rarely written by an insert, where a btree would cost every completion an entry.
  index("tasks_results_finished_brin").using("brin", table.finishedAt),
  // The dashboard's (migration 0008): finished tasks newest or oldest first, from a cursor
  // (finish time, id), and its finished-per-minute counts. Costs every completion an entry.
  index("tasks_results_finished_order_idx").on(table.backend, table.finishedAt, table.id),
  // The dashboard's search for a value at any depth of the arguments (`args @? '$.** ? (@ ==
  // value)'`), which only the default jsonb_ops class can serve (jsonb_path_ops has no `.**`).
  // Failed and cancelled tasks only (migration 0009): over every finished task it cost each
  // completion about 340 bytes of WAL, the largest part of what 0008 took from the drain; a
  // search among successes walks the finish-order index instead (docs/dashboard-plans.md).
  index("tasks_results_unsuccessful_args_idx")
    .using("gin", table.args)
    .where(sql`${table.status} IN ('FAILED', 'CANCELLED')`),
]);

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

/**
 * One row per schedule of a backend alias: how far its occurrences are settled, and its latest
 * task. Every worker running the schedule locks this row while it enqueues, so each occurrence
 * becomes one task however many workers race for it.
 */
export const tasksSchedules = pgTable(
  "tasks_schedules",
  {
    backend: text("backend").notNull(),
    name: text("name").notNull(),
    /** Every occurrence at or before this time is enqueued or passed over. */
    settledThrough: time("settled_through").notNull(),
    lastEnqueuedFor: time("last_enqueued_for"),
    lastTaskId: uuid("last_task_id"),
    updatedAt: time("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.backend, table.name] })],
);

/** A task row (of either table) as Drizzle returns it. */
export type TaskRow = typeof tasksResults.$inferSelect;

/**
 * Every column of `table` for a record, JSON columns as their text and times as the driver
 * sends them: the shared row reader parses them, so a stored JSON string stays a string (the
 * driver's JSON parsing, then Drizzle's, would turn "[1]" into an array) and a value that
 * cannot be read is named with what it holds, not thrown.
 */
function recordColumnsOf<T extends typeof tasksQueue | typeof tasksResults>(table: T) {
  return {
    ...(getTableColumns(table) as T["_"]["columns"]),
    args: sql<string>`${table.args}::text`,
    workerIds: sql<string>`${table.workerIds}::text`,
    errors: sql<string>`${table.errors}::text`,
    returnValue: sql<string | null>`${table.returnValue}::text`,
    runAfter: sql<unknown>`${table.runAfter}`,
    enqueuedAt: sql<unknown>`${table.enqueuedAt}`,
    startedAt: sql<unknown>`${table.startedAt}`,
    finishedAt: sql<unknown>`${table.finishedAt}`,
    lastAttemptedAt: sql<unknown>`${table.lastAttemptedAt}`,
    leaseExpiresAt: sql<unknown>`${table.leaseExpiresAt}`,
    scheduledFor: sql<unknown>`${table.scheduledFor}`,
    traceContext: sql<string | null>`${table.traceContext}::text`,
  };
}

/** Every column of a live task for a record; see {@link recordColumnsOf}. */
export const queueRecordColumns = recordColumnsOf(tasksQueue);

/** What `health()` lists of a RUNNING task. */
export const runningColumns = {
  id: tasksQueue.id,
  taskName: tasksQueue.taskName,
  queueName: tasksQueue.queueName,
  workerIds: sql<string>`${tasksQueue.workerIds}::text`,
  startedAt: tasksQueue.startedAt,
  leaseExpiresAt: tasksQueue.leaseExpiresAt,
};

/** What `health()` lists of a FAILED task. */
export const failureColumns = {
  id: tasksResults.id,
  taskName: tasksResults.taskName,
  queueName: tasksResults.queueName,
  finishedAt: tasksResults.finishedAt,
  errors: sql<string>`${tasksResults.errors}::text`,
};
