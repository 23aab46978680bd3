/**
 * What both dialects do alike for schedules: choosing the occurrences a call stores and the
 * state it leaves (parameters are checked by core's `checkEnqueueOccurrencesParams`). The
 * dialects only read, lock and write the `tasks_schedules` row around these.
 */
import type { ScheduledOccurrence, ScheduleState } from "@tasks/core/backend";
import { TasksError } from "@tasks/core/backend";

/** A stored schedule row as either dialect's Drizzle schema returns it. */
export interface ScheduleRowShape {
  name: string;
  settledThrough: Date;
  lastEnqueuedFor: Date | null;
  lastTaskId: string | null;
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

/**
 * Whether `after` equals what is stored, so the call has nothing to write: another worker
 * settled these occurrences first. Skipping the write spares a dead row version per worker
 * and occurrence.
 */
export function sameState(stored: ScheduleRowShape, after: ScheduleState): boolean {
  const time = (date: Date | null) => (date === null ? null : date.getTime());
  return (
    time(stored.settledThrough) === time(after.settledThrough) &&
    time(stored.lastEnqueuedFor) === time(after.lastEnqueuedFor) &&
    stored.lastTaskId === after.lastTaskId
  );
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
