/** `schedule(task, options)`: checks a declaration, builds its {@link Schedule} and registers it. */
import { Cron } from "croner";
import { InvalidTaskError } from "../errors.js";
import { assertJsonArgs } from "../json.js";
import type { Task } from "../task.js";
import { backendToValidate, parseArgs } from "../task-checks.js";
import { describe, MAX_NAME_LENGTH } from "../validation.js";
import { registerSchedule } from "./registry.js";
import { checkScheduleBackend, DEFAULT_BACKFILL_MS, DEFAULT_SCHEDULE_GRACE_MS, Schedule, type MissedRunPolicy, type ScheduleOptions } from "./schedule.js";

const GRACE_BOUNDS = { min: 1_000, max: 60 * 60 * 1000 } as const;
const BACKFILL_MAX_MS = 31 * 24 * 60 * 60 * 1000;
const POLICIES: readonly MissedRunPolicy[] = ["latest", "all", "none"];

/**
 * Declares that `task` runs periodically, on a cron expression read in a time zone. Workers of
 * the task's backend alias that have the schedule declared (its module imported) enqueue each
 * occurrence; the backend stores per schedule which occurrences are settled, so each one
 * becomes exactly one task whatever the number of workers. A time that a daylight-saving change
 * skips runs at the first minute after the gap; a time repeated when clocks go back runs once
 * (at its first passage); expressions with a wildcard hour keep their real-time rhythm through
 * both changes.
 *
 * Errors at declaration (an {@link InvalidTaskError} naming the schedule): an invalid
 * expression or one that never occurs, an unknown time zone, arguments that are not JSON or do
 * not pass the task's `argsSchema`, a duplicate name, and (once `configureTasks` has run) a
 * backend that cannot store schedules (an {@link InvalidTaskBackendError}).
 *
 * @example
 * const dailyReport = task({ name: "reports.daily" }, async (day: string) => build(day));
 * schedule(dailyReport, { cron: "0 3 * * *", timeZone: "Europe/Paris", args: ["yesterday"] });
 */
export function schedule<A extends unknown[], R>(task: Task<A, R>, options: ScheduleOptions<NoInfer<A>>): Schedule {
  if (!task || typeof task !== "object" || typeof task.enqueue !== "function") {
    throw new InvalidTaskError("schedule() takes a task made by task() as its first argument, then options such as { cron: \"0 3 * * *\" }.");
  }
  if (!options || typeof options !== "object") {
    throw new InvalidTaskError(`schedule() of task "${task.name}" needs an options object such as { cron: "0 3 * * *" }.`);
  }
  const name = options.name ?? task.name;
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME_LENGTH) {
    throw new InvalidTaskError(`Invalid schedule name ${describe(name)} for task "${task.name}": it must be a non-empty string of at most ${MAX_NAME_LENGTH} characters, stable across deploys.`);
  }
  const label = `schedule "${name}" of task "${task.name}"`;
  const known = new Set(["name", "cron", "timeZone", "args", "missed", "graceMs", "backfillMs"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new InvalidTaskError(`Unknown option "${key}" for ${label}; it accepts ${[...known].join(", ")}.`);
  }
  const timeZone = options.timeZone ?? "UTC";
  checkTimeZone(timeZone, label);
  const cron = parseCron(options.cron, timeZone, label);
  const args = options.args ?? [];
  if (!Array.isArray(args)) throw new InvalidTaskError(`Invalid args for ${label}: they must be an array, one entry per parameter (got ${describe(args)}).`);
  assertJsonArgs(args, task.name, `scheduled by "${name}"`);
  if (task.definition.argsSchema) parseArgs(task.definition, args);
  const missed = options.missed ?? "latest";
  if (!POLICIES.includes(missed)) {
    throw new InvalidTaskError(`Invalid missed-run policy ${describe(missed)} for ${label}: use "latest", "all" or "none".`);
  }
  const graceMs = boundedMs(options.graceMs, DEFAULT_SCHEDULE_GRACE_MS, GRACE_BOUNDS.min, GRACE_BOUNDS.max, "graceMs", label);
  const backfillMs = boundedMs(options.backfillMs, DEFAULT_BACKFILL_MS, 0, BACKFILL_MAX_MS, "backfillMs", label);
  const declared = new Schedule(task, name, cron, { cron: options.cron, timeZone, args, missed, graceMs, backfillMs });
  const resolved = backendToValidate(task.backend, label);
  if (resolved) checkScheduleBackend(declared, resolved);
  registerSchedule(declared);
  return declared;
}

function checkTimeZone(timeZone: unknown, label: string): asserts timeZone is string {
  try {
    if (typeof timeZone !== "string" || timeZone === "") throw new RangeError("empty");
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new InvalidTaskError(`Unknown time zone ${describe(timeZone)} for ${label}: use an IANA name such as "UTC", "Europe/Paris" or "America/New_York".`);
  }
}

function parseCron(expression: unknown, timeZone: string, label: string): Cron {
  if (typeof expression !== "string" || expression.trim() === "") {
    throw new InvalidTaskError(`${capitalize(label)} needs a cron expression such as "0 3 * * *" (got ${describe(expression)}).`);
  }
  let cron: Cron;
  try {
    cron = new Cron(expression.trim(), { timezone: timeZone, paused: true });
  } catch (error) {
    throw new InvalidTaskError(
      `Invalid cron expression ${describe(expression)} for ${label}: ${error instanceof Error ? error.message : String(error)}. Use 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a nickname such as "@daily".`,
    );
  }
  if (cron.nextRun(new Date()) === null) throw new InvalidTaskError(`Cron expression ${describe(expression)} for ${label} never occurs (such as February 31st).`);
  return cron;
}

function boundedMs(value: unknown, fallback: number, min: number, max: number, option: string, label: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidTaskError(`Invalid ${option} ${describe(value)} for ${label}: it must be a whole number of milliseconds from ${min} to ${max}.`);
  }
  return value;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
