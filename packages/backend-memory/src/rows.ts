import { copyJson, type NewTaskRecord, type TaskRecord } from "@tasks/core/backend";

/** A stored task: a {@link TaskRecord} the store may change in place. Never handed out. */
export type Row = { -readonly [K in keyof TaskRecord]: TaskRecord[K] };

/** A new READY row for `task` in backend `alias`, sharing nothing with the caller's objects. */
export function newRow(task: NewTaskRecord, alias: string, now: Date): Row {
  return {
    id: task.id,
    taskName: task.taskName,
    queueName: task.queueName,
    priority: task.priority,
    args: copyJson(task.args),
    runAfter: copyDate(task.runAfter),
    maxAttempts: task.maxAttempts,
    identityHash: task.identityHash,
    uniqueKey: task.uniqueKey,
    // Records built before schedules existed have no field at all: an ordinary task.
    scheduledFor: copyDate(task.scheduledFor ?? null),
    // Frozen once here, so every record handed out can share it without a copy.
    traceContext: frozenTraceContext(task.traceContext ?? null),
    backend: alias,
    status: "READY",
    enqueuedAt: new Date(now.getTime()),
    startedAt: null,
    finishedAt: null,
    lastAttemptedAt: null,
    attempts: 0,
    workerIds: [],
    errors: [],
    returnValue: null,
    leaseExpiresAt: null,
  };
}

/** A deep copy of a row or record, so neither side can change the other's data. */
export function copyRecord(record: TaskRecord): Row {
  return {
    ...record,
    args: copyJson(record.args),
    runAfter: copyDate(record.runAfter),
    scheduledFor: copyDate(record.scheduledFor),
    // traceContext is shared: newRow froze it, so no holder can change it.
    enqueuedAt: new Date(record.enqueuedAt.getTime()),
    startedAt: copyDate(record.startedAt),
    finishedAt: copyDate(record.finishedAt),
    lastAttemptedAt: copyDate(record.lastAttemptedAt),
    workerIds: [...record.workerIds],
    errors: record.errors.map((error) => ({ className: error.className, message: error.message, stack: error.stack })),
    returnValue: copyJson(record.returnValue),
    leaseExpiresAt: copyDate(record.leaseExpiresAt),
  };
}

/** A frozen copy of a trace context, or null; records built before trace contexts existed have none. */
function frozenTraceContext(context: Readonly<Record<string, string>> | null): Readonly<Record<string, string>> | null {
  return context === null ? null : Object.freeze({ ...context });
}

/** A copy of a date, or null. */
export function copyDate(date: Date | null): Date | null {
  return date === null ? null : new Date(date.getTime());
}

/** `now` moved forward by `ms`. */
export function addMs(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}
