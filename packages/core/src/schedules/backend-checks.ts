/** Checks of the parameters of the schedule operations, shared by every backend (`@tasks/core/backend`). */
import type { EnqueueOccurrencesParams, RegisterSchedulesParams, ScheduledOccurrence } from "../backend.js";
import { TasksError } from "../errors.js";

/** Throws a clear error unless the parameters of `registerSchedules()` are well formed. */
export function checkRegisterSchedulesParams(params: RegisterSchedulesParams): void {
  checkDate("registerSchedules()", "now", params.now);
  const names: unknown = params.names;
  if (!Array.isArray(names)) throw new TasksError(`registerSchedules(): "names" must be an array of schedule names (got ${describeValue(names)}).`);
  names.forEach((name, index) => checkName("registerSchedules()", `names[${index}]`, name));
}

/**
 * Throws a clear error unless the parameters of `enqueueOccurrences()` are well formed: valid
 * dates; occurrences distinct, oldest first and none after `through` (one later than the
 * settled time would be enqueued again by the next call); each task made for its occurrence
 * (`scheduledFor` = `at`) and without a unique key (the schedule state makes each occurrence
 * one task).
 */
export function checkEnqueueOccurrencesParams(params: EnqueueOccurrencesParams): void {
  const operation = "enqueueOccurrences()";
  checkName(operation, "name", params.name);
  checkDate(operation, "now", params.now);
  checkDate(operation, "through", params.through);
  const occurrences: unknown = params.occurrences;
  if (!Array.isArray(occurrences)) throw new TasksError(`${operation}: "occurrences" must be an array of { at, task } (got ${describeValue(occurrences)}).`);
  let previous: Date | null = null;
  for (const [index, occurrence] of (occurrences as unknown[]).entries()) {
    const label = `occurrences[${index}]`;
    if (typeof occurrence !== "object" || occurrence === null) {
      throw new TasksError(`${operation}: ${label} must be an object { at, task } (got ${describeValue(occurrence)}).`);
    }
    const { at, task } = occurrence as Partial<ScheduledOccurrence>;
    if (typeof task !== "object" || task === null) {
      throw new TasksError(`${operation}: ${label}.task must be the task record to store for the occurrence (got ${describeValue(task)}).`);
    }
    checkDate(operation, `${label}.at`, at);
    if (previous !== null && at.getTime() <= previous.getTime()) {
      throw new TasksError(
        `${operation}: ${label}.at (${at.toISOString()}) is not after the occurrence before it (${previous.toISOString()}); occurrences must be distinct and oldest first.`,
      );
    }
    if (at.getTime() > params.through.getTime()) {
      throw new TasksError(
        `${operation}: ${label}.at (${at.toISOString()}) is after "through" (${params.through.toISOString()}); only occurrences up to "through" may be enqueued, or the next call would enqueue them again.`,
      );
    }
    const scheduledFor: unknown = task.scheduledFor;
    if (!(scheduledFor instanceof Date) || scheduledFor.getTime() !== at.getTime()) {
      throw new TasksError(`${operation}: ${label}.task.scheduledFor must be the occurrence's time ${at.toISOString()} (got ${describeValue(scheduledFor)}).`);
    }
    if (task.uniqueKey !== null) {
      throw new TasksError(
        `${operation}: ${label}.task has uniqueKey ${describeValue(task.uniqueKey)}; tasks of a schedule are stored without one (the schedule state already makes each occurrence one task).`,
      );
    }
    previous = at;
  }
}

function checkName(operation: string, label: string, value: unknown): void {
  if (typeof value !== "string" || value === "") throw new TasksError(`${operation}: "${label}" must be a schedule name, a non-empty string (got ${describeValue(value)}).`);
}

function checkDate(operation: string, label: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TasksError(`${operation}: "${label}" must be a valid Date (got ${describeValue(value)}).`);
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `Date(${value.toISOString()})`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
