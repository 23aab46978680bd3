import { TasksError, type EnqueueOccurrencesParams, type RegisterSchedulesParams } from "@tasks/core/backend";

/** Throws a clear error unless `params` of `registerSchedules()` are well formed. */
export function checkRegisterParams(params: RegisterSchedulesParams): void {
  checkDate("registerSchedules()", "now", params.now);
  const names: unknown = params.names;
  if (!Array.isArray(names)) {
    throw new TasksError(`registerSchedules(): "names" must be an array of schedule names (got ${describeValue(names)}).`);
  }
  for (const [index, name] of names.entries()) checkName("registerSchedules()", `names[${index}]`, name);
}

/**
 * Throws a clear error unless `params` of `enqueueOccurrences()` are well formed: valid dates,
 * occurrences strictly oldest first and none after `through` (a stored task later than the
 * settled time would be enqueued again by the next call), each task made for its occurrence
 * (`scheduledFor` = `at`) and without a unique key.
 */
export function checkOccurrenceParams(params: EnqueueOccurrencesParams): void {
  const operation = "enqueueOccurrences()";
  checkName(operation, "name", params.name);
  checkDate(operation, "now", params.now);
  checkDate(operation, "through", params.through);
  const occurrences: unknown = params.occurrences;
  if (!Array.isArray(occurrences)) {
    throw new TasksError(`${operation}: "occurrences" must be an array of { at, task } (got ${describeValue(occurrences)}).`);
  }
  let previous: Date | null = null;
  for (const [index, occurrence] of params.occurrences.entries()) {
    const label = `occurrences[${index}]`;
    if (!occurrence || typeof occurrence !== "object") {
      throw new TasksError(`${operation}: ${label} must be an object { at, task } (got ${describeValue(occurrence)}).`);
    }
    const task: unknown = occurrence.task;
    if (!task || typeof task !== "object") {
      throw new TasksError(`${operation}: ${label}.task must be the task record to store for the occurrence (got ${describeValue(task)}).`);
    }
    checkDate(operation, `${label}.at`, occurrence.at);
    const at = occurrence.at.getTime();
    if (previous !== null && at <= previous.getTime()) {
      throw new TasksError(
        `${operation}: ${label}.at (${occurrence.at.toISOString()}) is not after the occurrence before it (${previous.toISOString()}); occurrences must be distinct and oldest first.`,
      );
    }
    if (at > params.through.getTime()) {
      throw new TasksError(
        `${operation}: ${label}.at (${occurrence.at.toISOString()}) is after "through" (${params.through.toISOString()}); only occurrences up to "through" may be enqueued, or the next call would enqueue them again.`,
      );
    }
    const scheduledFor: unknown = occurrence.task.scheduledFor;
    if (!(scheduledFor instanceof Date) || scheduledFor.getTime() !== at) {
      throw new TasksError(`${operation}: ${label}.task.scheduledFor must be the occurrence's time ${occurrence.at.toISOString()} (got ${describeValue(scheduledFor)}).`);
    }
    if (occurrence.task.uniqueKey !== null) {
      throw new TasksError(
        `${operation}: ${label}.task has uniqueKey ${describeValue(occurrence.task.uniqueKey)}; tasks of a schedule are stored without one (the schedule state already makes each occurrence one task).`,
      );
    }
    previous = occurrence.at;
  }
}

function checkName(operation: string, label: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new TasksError(`${operation}: "${label}" must be a schedule name, a non-empty string (got ${describeValue(value)}).`);
  }
}

function checkDate(operation: string, label: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new TasksError(`${operation}: "${label}" must be a valid Date (got ${describeValue(value)}).`);
  }
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `Date(${value.toISOString()})`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
