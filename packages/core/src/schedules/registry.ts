/** The schedules declared in this process, by name. */
import { InvalidTaskError } from "../errors.js";
import { findTask } from "../registry.js";
import type { Schedule } from "./schedule.js";

const schedulesByName = new Map<string, Schedule>();

/**
 * A schedule whose task was unregistered (`unregisterTasks`) or replaced by another definition
 * under the same name no longer counts: the schedule belongs to the task it was declared on.
 */
function isCurrent(declared: Schedule): boolean {
  return findTask(declared.task.name)?.definition === declared.task.definition;
}

/** Adds a schedule; a second schedule with the same name is an error naming both tasks. */
export function registerSchedule(declared: Schedule): void {
  const existing = schedulesByName.get(declared.name);
  if (existing && isCurrent(existing)) {
    const sameTask = existing.task.name === declared.task.name;
    throw new InvalidTaskError(
      `A schedule named "${declared.name}" is already declared (for task "${existing.task.name}"). Schedule names are stored in the database and must be unique${sameTask ? "; give each schedule of a task its own name with the \"name\" option" : ""}.`,
    );
  }
  schedulesByName.set(declared.name, declared);
}

/** Every declared schedule whose task is still registered, sorted by name; only those of backend alias `backend` when given. */
export function registeredSchedules(backend?: string): Schedule[] {
  for (const [name, declared] of schedulesByName) if (!isCurrent(declared)) schedulesByName.delete(name);
  const all = [...schedulesByName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return backend === undefined ? all : all.filter((declared) => declared.backend === backend);
}

/** Forgets one schedule, or every schedule (for tests that declare schedules repeatedly). */
export function unregisterSchedules(name?: string): void {
  if (name === undefined) schedulesByName.clear();
  else schedulesByName.delete(name);
}
