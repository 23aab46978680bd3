/** The schedules declared in this process, by name. */
import { InvalidTaskError } from "../errors.js";
import type { Schedule } from "./schedule.js";

const schedulesByName = new Map<string, Schedule>();

/** Adds a schedule; a second schedule with the same name is an error naming both tasks. */
export function registerSchedule(declared: Schedule): void {
  const existing = schedulesByName.get(declared.name);
  if (existing) {
    const sameTask = existing.task.name === declared.task.name;
    throw new InvalidTaskError(
      `A schedule named "${declared.name}" is already declared (for task "${existing.task.name}"). Schedule names are stored in the database and must be unique${sameTask ? "; give each schedule of a task its own name with the \"name\" option" : ""}.`,
    );
  }
  schedulesByName.set(declared.name, declared);
}

/** Every declared schedule, sorted by name; only those of backend alias `backend` when given. */
export function registeredSchedules(backend?: string): Schedule[] {
  const all = [...schedulesByName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return backend === undefined ? all : all.filter((declared) => declared.backend === backend);
}

/** Forgets one schedule, or every schedule (for tests that declare schedules repeatedly). */
export function unregisterSchedules(name?: string): void {
  if (name === undefined) schedulesByName.clear();
  else schedulesByName.delete(name);
}

/** Forgets the schedules of task `taskName`, or every schedule when it is undefined. */
export function forgetSchedulesOf(taskName: string | undefined): void {
  if (taskName === undefined) schedulesByName.clear();
  else for (const [name, declared] of schedulesByName) if (declared.task.name === taskName) schedulesByName.delete(name);
}
