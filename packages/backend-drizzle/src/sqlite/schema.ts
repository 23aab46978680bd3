/**
 * The SQLite tables: the same logical schema as the Postgres ones (live tasks in
 * `tasks_queue`, finished ones in `tasks_results`, live workers in `tasks_workers`), with
 * timestamps stored as integer milliseconds and JSON as text. Export these into your own
 * drizzle-kit schema to manage the tables with your migrations, or call `migrate(db)` to apply
 * the bundled ones.
 */
import { getTableColumns, sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { JsonValue, TaskErrorRecord } from "@tasks/core/backend";

const time = (name: string) => integer(name, { mode: "timestamp_ms" });

/**
 * The columns of a task row. Both task tables have exactly these, in this order, so a row
 * moves from one to the other with `INSERT … SELECT` of the same list.
 */
function taskColumns() {
  return {
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
    /** The schedule occurrence the task was enqueued for; NULL for a task no schedule enqueued. Last, where migration 0006 added it. */
    scheduledFor: time("scheduled_for"),
    /** The propagation fields of the trace that enqueued the task, as JSON; NULL when none was active. Last, where migration 0007 added it. */
    traceContext: text("trace_context", { mode: "json" }).$type<Record<string, string>>(),
  };
}

/**
 * The live tasks: READY and RUNNING rows only, so the table and its indexes stay as small as
 * the backlog. A task's row is written here at enqueue, updated by its claims and retries, and
 * moved to {@link tasksResults} in the transaction that finishes it. `backend` is the alias,
 * so several aliases can share the table.
 */
export const tasksQueue = sqliteTable("tasks_queue", taskColumns(), (table) => [
  // Only READY rows, in claim order: claims read the head of this index and stop.
  index("tasks_queue_claim_idx")
    .on(table.backend, table.queueName, sql`${table.priority} DESC`, table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  // All-queue claims: same order without the queue column.
  index("tasks_queue_claim_any_queue_idx")
    .on(table.backend, sql`${table.priority} DESC`, table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  // Every row here is active, so a unique key is held by any row that has one.
  uniqueIndex("tasks_queue_unique_key_idx").on(table.backend, table.uniqueKey).where(sql`${table.uniqueKey} IS NOT NULL`),
  // Rescue reads RUNNING rows by lease expiry. Without this index it read the whole queue
  // table, under the write lock, every lease / 3 per worker: 33 ms with 200,000 tasks waiting
  // (0.7 ms with it); its entries cost a drain ~80 bytes of WAL per task and no measurable CPU.
  index("tasks_queue_lease_idx").on(table.backend, table.leaseExpiresAt).where(sql`${table.status} = 'RUNNING'`),
  // No identity index: deschedule reads the queue table (45 ms with 200,000 tasks waiting).
  // Every queue row is deleted when its task finishes, so an identity entry, keyed by a hash,
  // would be removed at a random place by every completion: measured, one more page per task
  // in the WAL (a drain's WAL tripled) and ~10 µs more per completion.
]);

/**
 * The finished tasks (SUCCESSFUL, FAILED, CANCELLED), each written once, when its task
 * finished, with its result and history; read by id, pruned by finish time.
 */
export const tasksResults = sqliteTable("tasks_results", taskColumns(), (table) => [
  // These four serve only a process of the version before this layout, still running during
  // a deploy: it inserts READY rows here (relying on the unique index for ON CONFLICT; the
  // trigger tasks_results_route_active moves each such row to the queue table at once), and
  // its claims, lease renewals and rescues look for READY and RUNNING rows here. They stay
  // empty, so a finished row writes no entry to them; without them each of those lookups
  // would read the whole results table under the write lock.
  uniqueIndex("tasks_results_unique_key_idx")
    .on(table.backend, table.uniqueKey)
    .where(sql`${table.uniqueKey} IS NOT NULL AND ${table.status} IN ('READY', 'RUNNING')`),
  index("tasks_results_claim_idx")
    .on(table.backend, table.queueName, sql`${table.priority} DESC`, table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  index("tasks_results_claim_any_queue_idx")
    .on(table.backend, sql`${table.priority} DESC`, table.runnableAt, table.id)
    .where(sql`${table.status} = 'READY'`),
  index("tasks_results_lease_idx").on(table.backend, table.leaseExpiresAt).where(sql`${table.status} = 'RUNNING'`),
  // Prune's and health's (recent failures): every row here is finished, so this holds them
  // all, by status and finish time. Written with OR, not `IN (…)`: SQLite evaluates a partial
  // index's WHERE for every row written, and compiles a three-value IN list into a temporary
  // table each time. (Pruning by id range instead saved its ~170 bytes of WAL per task, but an
  // id can be later than its task's finish, `newTaskId` never going back within a process,
  // and such rows were left behind.)
  index("tasks_results_finished_idx")
    .on(table.backend, table.status, table.finishedAt)
    .where(sql`(${table.status} = 'SUCCESSFUL' OR ${table.status} = 'FAILED' OR ${table.status} = 'CANCELLED')`),
]);

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

/**
 * One row per schedule of a backend alias: how far its occurrences are settled, and its latest
 * task. Written only inside immediate transactions, so each occurrence becomes one task however
 * many workers race for it.
 */
export const tasksSchedules = sqliteTable(
  "tasks_schedules",
  {
    backend: text("backend").notNull(),
    name: text("name").notNull(),
    /** Every occurrence at or before this time is enqueued or passed over. */
    settledThrough: time("settled_through").notNull(),
    lastEnqueuedFor: time("last_enqueued_for"),
    lastTaskId: text("last_task_id"),
    updatedAt: time("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.backend, table.name] })],
);

/** A task row (of either table) as Drizzle returns it. */
export type TaskRow = typeof tasksResults.$inferSelect;

/**
 * Every column of `table` for a record, JSON columns and times as stored: the shared row
 * reader parses them, so a value other code wrote (text that is not JSON, text in a time
 * column) is named with what it holds, not thrown.
 */
function recordColumnsOf<T extends typeof tasksQueue | typeof tasksResults>(table: T) {
  return {
    ...(getTableColumns(table) as T["_"]["columns"]),
    args: sql<string>`${table.args}`,
    workerIds: sql<string>`${table.workerIds}`,
    errors: sql<string>`${table.errors}`,
    returnValue: sql<string | null>`${table.returnValue}`,
    runAfter: sql<unknown>`${table.runAfter}`,
    enqueuedAt: sql<unknown>`${table.enqueuedAt}`,
    startedAt: sql<unknown>`${table.startedAt}`,
    finishedAt: sql<unknown>`${table.finishedAt}`,
    lastAttemptedAt: sql<unknown>`${table.lastAttemptedAt}`,
    leaseExpiresAt: sql<unknown>`${table.leaseExpiresAt}`,
    scheduledFor: sql<unknown>`${table.scheduledFor}`,
    traceContext: sql<string | null>`${table.traceContext}`,
  };
}

/** Every column of a live task for a record; see {@link recordColumnsOf}. */
export const queueRecordColumns = recordColumnsOf(tasksQueue);

/** Every column of a finished task for a record; see {@link recordColumnsOf}. */
export const resultRecordColumns = recordColumnsOf(tasksResults);

/** What `health()` lists of a RUNNING task (a live row). */
export const runningColumns = {
  id: tasksQueue.id,
  taskName: tasksQueue.taskName,
  queueName: tasksQueue.queueName,
  workerIds: sql<string>`${tasksQueue.workerIds}`,
  startedAt: tasksQueue.startedAt,
  leaseExpiresAt: tasksQueue.leaseExpiresAt,
};

/** What `health()` lists of a FAILED task (a finished row). */
export const failureColumns = {
  id: tasksResults.id,
  taskName: tasksResults.taskName,
  queueName: tasksResults.queueName,
  finishedAt: tasksResults.finishedAt,
  errors: sql<string>`${tasksResults.errors}`,
};

/** What `health()` lists of a live worker (its task names as the stored text). */
export const workerColumns = { ...getTableColumns(tasksWorkers), taskNames: sql<string | null>`${tasksWorkers.taskNames}` };
