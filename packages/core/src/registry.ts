import { InvalidTaskError } from "./errors.js";
import type { TaskDefinition } from "./task-types.js";

/** What the registry keeps of a task (a `Task` is one): its name and its definition. */
export interface RegisteredTask {
  readonly name: string;
  readonly definition: TaskDefinition;
}

const tasksByName = new Map<string, RegisteredTask>();
/** Sorted names, made on first read after a change: workers read them on every claim. */
let nameSnapshot: readonly string[] | null = null;

/** Adds a task definition under its name; a second definition with the same name is an error. */
export function registerTask(task: RegisteredTask): void {
  const existing = tasksByName.get(task.name);
  if (existing && existing !== task) {
    throw new InvalidTaskError(
      `A task named "${task.name}" is already defined. Task names are stored in the database and must be unique; give this task another name.`,
    );
  }
  if (existing === task) return;
  tasksByName.set(task.name, task);
  nameSnapshot = null;
}

/** The task registered under `name`, if any. */
export function findTask(name: string): RegisteredTask | undefined {
  return tasksByName.get(name);
}

/** Names of every registered task. */
export function registeredTaskNames(): string[] {
  return [...tasksByName.keys()];
}

/**
 * Names of every registered task, sorted, as one frozen array that stays the same object
 * until a task is registered or unregistered (so callers can compare it by identity).
 */
export function registeredTaskNameSnapshot(): readonly string[] {
  nameSnapshot ??= Object.freeze([...tasksByName.keys()].sort());
  return nameSnapshot;
}

/** Forgets one task, or every task (for tests that define tasks repeatedly); their schedules go with them. */
export function unregisterTasks(name?: string): void {
  if (name === undefined) tasksByName.clear();
  else tasksByName.delete(name);
  nameSnapshot = null;
}
