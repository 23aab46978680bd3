/**
 * Row ↔ record mapping shared by the Postgres and SQLite backends. Both dialect schemas use
 * the same property names, so a row read through either one fits {@link TaskRowShape}. Rows
 * may have been written by other code, so values are checked as they are read (decode.ts).
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
import { RowReader, UnreadableTaskRowError, unreadableErrorsRecord, type RowProblem, type UnreadableRow } from "./decode.js";

const STATUSES: ReadonlySet<string> = new Set(ALL_STATUSES);

/**
 * A `tasks_results` row as either dialect reads it for a record: JSON columns as the stored
 * text (so a value is never parsed twice, or taken for text when it is a JSON string), the
 * other columns as the driver returns them. Rows written by other code may hold anything, so
 * every value is checked when read (see {@link RowReader}).
 */
export interface TaskRowShape {
  id: unknown;
  backend: unknown;
  taskName: unknown;
  queueName: unknown;
  priority: unknown;
  args: unknown;
  status: unknown;
  runAfter: unknown;
  enqueuedAt: unknown;
  startedAt: unknown;
  finishedAt: unknown;
  lastAttemptedAt: unknown;
  attempts: unknown;
  maxAttempts: unknown;
  workerIds: unknown;
  errors: unknown;
  returnValue: unknown;
  leaseExpiresAt: unknown;
  identityHash: unknown;
  uniqueKey: unknown;
  scheduledFor: unknown;
  traceContext: unknown;
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

/**
 * Reads a stored row: the record, with a fallback for each value that cannot be read, and
 * those values' problems (null when the row reads cleanly). Never hands the row object out.
 */
export function readRow(row: TaskRowShape): { record: TaskRecord; problems: RowProblem[] | null } {
  const read = new RowReader();
  const record: TaskRecord = {
    id: read.text("id", row.id),
    backend: read.text("backend", row.backend),
    taskName: read.text("taskName", row.taskName),
    queueName: read.text("queueName", row.queueName),
    priority: read.int("priority", row.priority, 0),
    args: read.json("args", row.args) as JsonValue[],
    status: read.status(row.status),
    runAfter: read.time("runAfter", row.runAfter),
    enqueuedAt: read.requiredTime("enqueuedAt", row.enqueuedAt),
    startedAt: read.time("startedAt", row.startedAt),
    finishedAt: read.time("finishedAt", row.finishedAt),
    lastAttemptedAt: read.time("lastAttemptedAt", row.lastAttemptedAt),
    attempts: read.int("attempts", row.attempts, 0),
    maxAttempts: read.int("maxAttempts", row.maxAttempts, 1),
    workerIds: read.jsonArray("workerIds", row.workerIds) as string[],
    errors: read.jsonArray("errors", row.errors) as TaskErrorRecord[],
    returnValue: read.json("returnValue", row.returnValue),
    leaseExpiresAt: read.time("leaseExpiresAt", row.leaseExpiresAt),
    identityHash: read.text("identityHash", row.identityHash),
    uniqueKey: read.optionalText("uniqueKey", row.uniqueKey),
    scheduledFor: read.time("scheduledFor", row.scheduledFor),
    traceContext: read.traceContext(row.traceContext),
  };
  return { record, problems: read.problems };
}

/**
 * The plain {@link TaskRecord} for a stored row; throws an {@link UnreadableTaskRowError}
 * naming each column that cannot be read.
 */
export function rowToRecord(row: TaskRowShape): TaskRecord {
  const { record, problems } = readRow(row);
  if (problems) throw new UnreadableTaskRowError(record.id, record.backend, problems);
  return record;
}

/** Reads rows a statement changed: the readable records, and the rows to set aside. */
export function readRows(rows: readonly TaskRowShape[]): { records: TaskRecord[]; unreadable: UnreadableRow[] } {
  const records: TaskRecord[] = [];
  const unreadable: UnreadableRow[] = [];
  for (const row of rows) {
    const { record, problems } = readRow(row);
    if (problems) unreadable.push({ record, problems });
    else records.push(record);
  }
  return { records, unreadable };
}

/** A stored status, or null for one written by other code that is no status of ours. */
export function knownStatus(value: unknown): ResultStatus | null {
  return STATUSES.has(value as string) ? (value as ResultStatus) : null;
}

/** The record of a task just inserted, built from what was sent (no row is read back). */
export function newTaskRecord(task: NewTaskRecord, backend: string, now: Date): TaskRecord {
  return {
    id: task.id,
    backend,
    taskName: task.taskName,
    queueName: task.queueName,
    priority: task.priority,
    args: task.args,
    status: ResultStatus.READY,
    runAfter: task.runAfter === null ? null : new Date(task.runAfter.getTime()),
    enqueuedAt: new Date(now.getTime()),
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
    scheduledFor: copyTime(task.scheduledFor),
    traceContext: copyTraceContext(task.traceContext),
  };
}

/** A copy of a time from a new task; a record built before `scheduledFor` existed has none (undefined), read as null. */
function copyTime(time: Date | null | undefined): Date | null {
  return time == null ? null : new Date(time.getTime());
}

/** A copy of a new task's trace context; a record built before `traceContext` existed has none (undefined), read as null. */
export function copyTraceContext(context: Readonly<Record<string, string>> | null | undefined): Record<string, string> | null {
  return context == null ? null : { ...context };
}

/** The values of a new row, as Drizzle's insert takes them. */
export interface NewTaskRowShape {
  id: string;
  backend: string;
  taskName: string;
  queueName: string;
  priority: number;
  args: JsonValue[];
  status: string;
  runAfter: Date | null;
  runnableAt: Date;
  enqueuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  lastAttemptedAt: Date | null;
  attempts: number;
  maxAttempts: number;
  workerIds: string[];
  errors: TaskErrorRecord[];
  returnValue: JsonValue;
  leaseExpiresAt: Date | null;
  identityHash: string;
  uniqueKey: string | null;
  scheduledFor: Date | null;
  traceContext: Record<string, string> | null;
}

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
    scheduledFor: task.scheduledFor ?? null,
    traceContext: copyTraceContext(task.traceContext),
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

/** A RUNNING row as a health query reads it (worker ids as the stored JSON text). */
export interface RunningRowShape {
  id: unknown;
  taskName: unknown;
  queueName: unknown;
  workerIds: unknown;
  startedAt: unknown;
  leaseExpiresAt: unknown;
}

/** A FAILED row as a health query reads it (errors as the stored JSON text). */
export interface FailedRowShape {
  id: unknown;
  taskName: unknown;
  queueName: unknown;
  finishedAt: unknown;
  errors: unknown;
}

/** The parts of a health report, as the dialect queries read them. */
export interface HealthParts {
  counts: StatusCountRow[];
  /** READY rows grouped by task name and queue. */
  readyByName: ReadyNameRow[];
  /** The earliest runnable time of the READY rows runnable now, per queue. */
  oldestRunnableByQueue: { queueName: string; oldest: Date }[];
  running: RunningRowShape[];
  failures: FailedRowShape[];
  workers: WorkerRowShape[];
  now: Date;
}

/** Assembles a {@link HealthReport} from the rows the dialect's health queries returned. */
export function buildHealthReport(parts: HealthParts): HealthReport {
  const queues: Record<string, StatusCounts> = {};
  for (const row of parts.counts) {
    // A status written by other code is no status of ours: such rows are left out of the counts.
    if (!STATUSES.has(row.status)) continue;
    const counts = (queues[row.queueName] ??= emptyCounts());
    counts[row.status as ResultStatus] += Number(row.count);
  }
  // Health never fails because of one row: what cannot be read is reported as unknown.
  const running: RunningTaskSummary[] = parts.running.map((row) => {
    const read = new RowReader();
    const workerIds = read.jsonArray("workerIds", row.workerIds);
    const last = workerIds[workerIds.length - 1];
    return {
      id: read.text("id", row.id),
      taskName: read.text("taskName", row.taskName),
      queueName: read.text("queueName", row.queueName),
      workerId: typeof last === "string" ? last : null,
      startedAt: read.time("startedAt", row.startedAt),
      leaseExpiresAt: read.time("leaseExpiresAt", row.leaseExpiresAt),
    };
  });
  const recentFailures: FailedTaskSummary[] = parts.failures.map((row) => {
    const read = new RowReader();
    const errors = read.jsonArray("errors", row.errors) as TaskErrorRecord[];
    const unreadable = read.problems;
    return {
      id: read.text("id", row.id),
      taskName: read.text("taskName", row.taskName),
      queueName: read.text("queueName", row.queueName),
      finishedAt: read.time("finishedAt", row.finishedAt),
      error: unreadable ? unreadableErrorsRecord(unreadable) : (errors[errors.length - 1] ?? null),
    };
  });
  const workers: LiveWorkerSummary[] = parts.workers.map((row) => ({
    workerId: row.workerId,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    taskNames: storedTaskNames(row.taskNames),
  }));
  const readyAgeByQueue: Record<string, number> = {};
  let oldestReadyAgeMs: number | null = null;
  for (const { queueName, oldest } of parts.oldestRunnableByQueue) {
    const age = Math.max(0, parts.now.getTime() - oldest.getTime());
    readyAgeByQueue[queueName] = age;
    if (oldestReadyAgeMs === null || age > oldestReadyAgeMs) oldestReadyAgeMs = age;
  }
  return { queues, oldestReadyAgeMs, readyAgeByQueue, running, recentFailures, workers, unrunnable: unrunnableTasks(parts.readyByName, workers) };
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

/**
 * A stored `task_names` value (parsed by the driver, or JSON text): the names, or null when
 * the worker never reported any (or other code stored something that is not a list).
 */
function storedTaskNames(value: unknown): string[] | null {
  let names = value;
  if (typeof value === "string") {
    try {
      names = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  return Array.isArray(names) ? names.filter((name): name is string => typeof name === "string") : null;
}

function emptyCounts(): StatusCounts {
  return Object.fromEntries(ALL_STATUSES.map((status) => [status, 0])) as StatusCounts;
}
