/**
 * What both dialects do alike for schedules: checking the parameters of the schedule
 * operations, choosing the occurrences a call stores, and the state it leaves. The dialects
 * only read, lock and write the `tasks_schedules` row around these.
 */
import type { EnqueueOccurrencesParams, RegisterSchedulesParams, ScheduledOccurrence, ScheduleState } from "@tasks/core/backend";
import { TasksError } from "@tasks/core/backend";

/** A stored schedule row as either dialect's Drizzle schema returns it. */
export interface ScheduleRowShape {
  name: string;
  settledThrough: Date;
  lastEnqueuedFor: Date | null;
  lastTaskId: string | null;
}

/** Throws a clear error unless the parameters of `registerSchedules()` are well formed. */
export function checkRegisterParams(params: RegisterSchedulesParams): void {
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
export function checkOccurrenceParams(params: EnqueueOccurrencesParams): void {
  const operation = "enqueueOccurrences()";
  checkName(operation, "name", params.name);
  checkDate(operation, "now", params.now);
  checkDate(operation, "through", params.through);
  const occurrences: unknown = params.occurrences;
  if (!Array.isArray(occurrences)) throw new TasksError(`${operation}: "occurrences" must be an array of { at, task } (got ${describeValue(occurrences)}).`);
  let previous: Date | null = null;
  for (const [index, occurrence] of (occurrences as unknown[]).entries()) {
    const label = `occurrences[${index}]`;
    const { at, task } = (occurrence ?? {}) as Partial<ScheduledOccurrence>;
    if (typeof occurrence !== "object" || occurrence === null || typeof task !== "object" || task === null) {
      throw new TasksError(`${operation}: ${label} must be an object { at, task } (got ${describeValue(occurrence)}).`);
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

/** The occurrences later than `settledThrough` (all of them when nothing is settled yet: no stored state). */
export function dueOccurrences(occurrences: readonly ScheduledOccurrence[], settledThrough: Date | null): ScheduledOccurrence[] {
  return occurrences.filter((occurrence) => settledThrough === null || occurrence.at.getTime() > settledThrough.getTime());
}

/**
 * The state after a call stored `due` (oldest first) over `stored` (null when the call created
 * the state): settled through the later of the stored time and `through`, never earlier; the
 * latest task is the last one stored, or the one before when nothing was.
 */
export function stateAfter(name: string, stored: ScheduleRowShape | null, through: Date, due: readonly ScheduledOccurrence[]): ScheduleState {
  const settled = stored !== null && stored.settledThrough.getTime() > through.getTime() ? stored.settledThrough : through;
  const last = due[due.length - 1];
  return {
    name,
    settledThrough: new Date(settled.getTime()),
    lastEnqueuedFor: last ? new Date(last.at.getTime()) : copyDate(stored?.lastEnqueuedFor ?? null),
    lastTaskId: last ? last.task.id : (stored?.lastTaskId ?? null),
  };
}

/** A stored row as a {@link ScheduleState}; throws naming the schedule if a time cannot be read (rows other code wrote). */
export function scheduleStateOf(row: ScheduleRowShape): ScheduleState {
  for (const [column, value] of [["settled_through", row.settledThrough], ["last_enqueued_for", row.lastEnqueuedFor]] as const) {
    if (value !== null && !(value instanceof Date && Number.isFinite(value.getTime()))) {
      throw new TasksError(`The stored state of schedule "${row.name}" cannot be read: column "${column}" does not hold a point in time. Correct or delete its tasks_schedules row.`);
    }
  }
  return { name: row.name, settledThrough: row.settledThrough, lastEnqueuedFor: row.lastEnqueuedFor, lastTaskId: row.lastTaskId };
}

/** States sorted by name, by code unit (the same on both dialects whatever the database collation). */
export function byName(states: ScheduleState[]): ScheduleState[] {
  return states.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The states of `names` in the order given (a name given twice comes back twice), from `found`. */
export function inOrderOf(names: readonly string[], found: readonly ScheduleState[]): ScheduleState[] {
  const byKey = new Map(found.map((state) => [state.name, state]));
  return names.map((name) => {
    const state = byKey.get(name);
    if (!state) throw new TasksError(`registerSchedules(): the state of schedule "${name}" was not found right after it was stored.`);
    return { ...state, settledThrough: new Date(state.settledThrough.getTime()), lastEnqueuedFor: copyDate(state.lastEnqueuedFor) };
  });
}

function copyDate(date: Date | null): Date | null {
  return date === null ? null : new Date(date.getTime());
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
