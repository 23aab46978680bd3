/**
 * Row ↔ record mapping shared by the Postgres and SQLite backends. Both dialect schemas use
 * the same property names, so a row read through either one fits {@link TaskRowShape}.
 */
import type {
  FailedTaskSummary,
  HealthReport,
  JsonValue,
  LiveWorkerSummary,
  NewTaskRecord,
  RunningTaskSummary,
  StatusCounts,
  TaskErrorRecord,
  TaskRecord,
  UnrunnableTaskSummary,
} from "@tasks/core/backend";
import { ALL_STATUSES, ResultStatus, TasksError } from "@tasks/core/backend";

/** A `tasks_results` row as either dialect's Drizzle schema returns it. */
export interface TaskRowShape {
  id: string;
  backend: string;
  taskName: string;
  queueName: string;
  priority: number;
  args: unknown;
  status: string;
  runAfter: Date | null;
  runnableAt: Date;
  enqueuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  lastAttemptedAt: Date | null;
  attempts: number;
  maxAttempts: number;
  workerIds: unknown;
  errors: unknown;
  returnValue: unknown;
  leaseExpiresAt: Date | null;
  identityHash: string;
  uniqueKey: string | null;
}

/** A `tasks_workers` row as either dialect's Drizzle schema returns it. */
export interface WorkerRowShape {
  backend: string;
  workerId: string;
  lastSeenAt: Date;
  expiresAt: Date;
  /** A JSON array of task names, or null when the worker never reported any. */
  taskNames: unknown;
}

/**
 * The `taskNames` of a claim or heartbeat, checked: an array of strings, or undefined for
 * "any name" (claims) or "keep what was stored" (heartbeats).
 */
export function taskNameList(operation: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((name) => typeof name !== "string")) {
    const got = typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "an array holding a non-string" : String(value);
    throw new TasksError(`${operation}: "taskNames" must be an array of task names (strings), or left out for any name (got ${got}).`);
  }
  return value as readonly string[];
}

/** The plain {@link TaskRecord} for a stored row. Never hands the row object itself out. */
export function rowToRecord(row: TaskRowShape): TaskRecord {
  return {
    id: row.id,
    backend: row.backend,
    taskName: row.taskName,
    queueName: row.queueName,
    priority: row.priority,
    args: asArray(row.args) as JsonValue[],
    status: toStatus(row.status),
    runAfter: row.runAfter,
    enqueuedAt: row.enqueuedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    lastAttemptedAt: row.lastAttemptedAt,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    workerIds: asArray(row.workerIds) as string[],
    errors: asArray(row.errors) as TaskErrorRecord[],
    returnValue: (row.returnValue ?? null) as JsonValue,
    leaseExpiresAt: row.leaseExpiresAt,
    identityHash: row.identityHash,
    uniqueKey: row.uniqueKey,
  };
}

/** The values of a new row, with its JSON columns typed. */
export type NewTaskRowShape = TaskRowShape & { args: JsonValue[]; workerIds: string[]; errors: TaskErrorRecord[]; returnValue: JsonValue };

/** The values to insert for a new READY task enqueued at `now` under alias `backend`. */
export function newTaskRow(task: NewTaskRecord, backend: string, now: Date): NewTaskRowShape {
  return {
    id: task.id,
    backend,
    taskName: task.taskName,
    queueName: task.queueName,
    priority: task.priority,
    args: task.args,
    status: ResultStatus.READY,
    runAfter: task.runAfter,
    runnableAt: task.runAfter ?? now,
    enqueuedAt: now,
    startedAt: null,
    finishedAt: null,
    lastAttemptedAt: null,
    attempts: 0,
    maxAttempts: task.maxAttempts,
    workerIds: [],
    errors: [],
    returnValue: null,
    leaseExpiresAt: null,
    identityHash: task.identityHash,
    uniqueKey: task.uniqueKey,
  };
}

/**
 * Splits a bulk enqueue into the tasks to insert and, for each input position, the index of
 * the inserted task it shares a `uniqueKey` with (the first one wins within one call).
 */
export function dedupeByUniqueKey(tasks: readonly NewTaskRecord[]): { unique: NewTaskRecord[]; sourceOf: number[] } {
  const unique: NewTaskRecord[] = [];
  const byKey = new Map<string, number>();
  const sourceOf = tasks.map((task) => {
    if (task.uniqueKey !== null) {
      const seen = byKey.get(task.uniqueKey);
      if (seen !== undefined) return seen;
      byKey.set(task.uniqueKey, unique.length);
    }
    unique.push(task);
    return unique.length - 1;
  });
  return { unique, sourceOf };
}

/** Sorts records into claim order: priority descending, runnable time, then id. */
export function sortClaimOrder(records: TaskRecord[]): TaskRecord[] {
  return records.sort(
    (a, b) =>
      b.priority - a.priority ||
      (a.runAfter ?? a.enqueuedAt).getTime() - (b.runAfter ?? b.enqueuedAt).getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** One `(queue, status, count)` group as a health query returns it. */
export interface StatusCountRow {
  queueName: string;
  status: string;
  count: number | string | bigint;
}

/** READY rows of one task name and queue, as a health query groups them. */
export interface ReadyNameRow {
  taskName: string;
  queueName: string;
  count: number | string | bigint;
}

/** The parts of a health report, as the dialect queries read them. */
export interface HealthParts {
  counts: StatusCountRow[];
  /** READY rows grouped by task name and queue. */
  readyByName: ReadyNameRow[];
  oldestRunnableAt: Date | null;
  running: TaskRowShape[];
  failures: TaskRowShape[];
  workers: WorkerRowShape[];
  now: Date;
}

/** Assembles a {@link HealthReport} from the rows the dialect's health queries returned. */
export function buildHealthReport(parts: HealthParts): HealthReport {
  const queues: Record<string, StatusCounts> = {};
  for (const row of parts.counts) {
    const counts = (queues[row.queueName] ??= emptyCounts());
    counts[toStatus(row.status)] += Number(row.count);
  }
  const running: RunningTaskSummary[] = parts.running.map((row) => {
    const workerIds = asArray(row.workerIds) as string[];
    return {
      id: row.id,
      taskName: row.taskName,
      queueName: row.queueName,
      workerId: workerIds[workerIds.length - 1] ?? null,
      startedAt: row.startedAt,
      leaseExpiresAt: row.leaseExpiresAt,
    };
  });
  const recentFailures: FailedTaskSummary[] = parts.failures.map((row) => {
    const errors = asArray(row.errors) as TaskErrorRecord[];
    return { id: row.id, taskName: row.taskName, queueName: row.queueName, finishedAt: row.finishedAt, error: errors[errors.length - 1] ?? null };
  });
  const workers: LiveWorkerSummary[] = parts.workers.map((row) => ({
    workerId: row.workerId,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    taskNames: storedTaskNames(row.taskNames),
  }));
  const oldestReadyAgeMs = parts.oldestRunnableAt === null ? null : Math.max(0, parts.now.getTime() - parts.oldestRunnableAt.getTime());
  return { queues, oldestReadyAgeMs, running, recentFailures, workers, unrunnable: unrunnableTasks(parts.readyByName, workers) };
}

/**
 * READY groups whose name no live worker reported, sorted by name then queue (by code unit,
 * the same on both dialects whatever the database collation). A live worker that never
 * reported names counts as able to run anything.
 */
function unrunnableTasks(ready: readonly ReadyNameRow[], workers: readonly LiveWorkerSummary[]): UnrunnableTaskSummary[] {
  const runnable = new Set<string>();
  for (const worker of workers) {
    if (worker.taskNames === null) return [];
    for (const name of worker.taskNames) runnable.add(name);
  }
  return ready
    .filter((row) => !runnable.has(row.taskName))
    .map((row) => ({ taskName: row.taskName, queueName: row.queueName, count: Number(row.count) }))
    .sort((a, b) => compareText(a.taskName, b.taskName) || compareText(a.queueName, b.queueName));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A stored `task_names` value (already parsed by the column): the names, or null when the worker never reported any. */
function storedTaskNames(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === "string") : null;
}

function emptyCounts(): StatusCounts {
  return Object.fromEntries(ALL_STATUSES.map((status) => [status, 0])) as StatusCounts;
}

function toStatus(value: string): ResultStatus {
  if ((ALL_STATUSES as readonly string[]).includes(value)) return value as ResultStatus;
  throw new Error(`The tasks table holds an unknown status "${value}"; it was written by something other than this library.`);
}

function asArray(value: unknown): unknown[] {
  // SQLite text-mode JSON columns can come back as strings when read through raw SQL.
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed : [];
}
