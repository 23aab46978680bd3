/** What each schedule of a backend alias has done and will do: for `tasks schedules` and health. */
import type { ScheduleState } from "../backend.js";
import { DEFAULT_BACKEND_ALIAS, getBackend, getClock, type ResolvedBackend } from "../config.js";
import type { ResultStatus } from "../status.js";
import { registeredSchedules } from "./registry.js";
import type { MissedRunPolicy, Schedule } from "./schedule.js";

/** One schedule, declared in this process or only stored (declared by code that no longer runs here). */
export interface ScheduleOverview {
  readonly name: string;
  /** Backend alias. */
  readonly backend: string;
  /** Declared in this process (its module imported); false for a stored state only. */
  readonly declared: boolean;
  /** The declaration's task, expression, time zone and policy; `null` when not declared here. */
  readonly taskName: string | null;
  readonly cron: string | null;
  readonly timeZone: string | null;
  readonly missed: MissedRunPolicy | null;
  /** Settled through this time (see `ScheduleState`); `null` until a worker has run the schedule. */
  readonly settledThrough: Date | null;
  /** The next occurrence not settled yet (it may be due already); `null` when not declared here or never again. */
  readonly nextOccurrence: Date | null;
  /** The occurrence of the latest task the schedule enqueued, its id, and that task's status now. */
  readonly lastEnqueuedFor: Date | null;
  readonly lastTaskId: string | null;
  /** `null` when no task was enqueued yet, or the task was pruned. */
  readonly lastStatus: ResultStatus | null;
  /**
   * How long the next occurrence has been due, once that is longer than the schedule's grace
   * period (no worker running, or none with the schedule declared); `null` when not overdue.
   */
  readonly overdueMs: number | null;
}

/** Options of {@link scheduleOverview}. */
export interface ScheduleOverviewOptions {
  /** Backend alias. Default `"default"`. */
  readonly backend?: string;
}

/**
 * Every schedule of a backend alias, sorted by name: those declared in this process joined with
 * the states stored by workers, and stored states no longer declared. Reads the last task of
 * each to give its status. Empty for a backend that cannot store schedules.
 */
export async function scheduleOverview(options: ScheduleOverviewOptions = {}): Promise<ScheduleOverview[]> {
  return overviews(getBackend(options.backend ?? DEFAULT_BACKEND_ALIAS), true);
}

/**
 * The overdue schedules among those declared in this process, for `taskHealth()`: no read of
 * last tasks, and no storage read at all when this process declares no schedule for the alias
 * (health is polled, by `tasks status` and the OpenTelemetry gauges).
 */
export async function overdueSchedules(resolved: ResolvedBackend): Promise<ScheduleOverview[]> {
  if (registeredSchedules(resolved.alias).length === 0) return [];
  return (await overviews(resolved, false)).filter((entry) => entry.overdueMs !== null);
}

async function overviews(resolved: ResolvedBackend, readLastStatus: boolean): Promise<ScheduleOverview[]> {
  if (!resolved.backend.capabilities.supportsSchedules || !resolved.backend.listSchedules) return [];
  const now = getClock().now();
  const states = new Map((await resolved.backend.listSchedules({ backend: resolved.alias })).map((state) => [state.name, state]));
  const declared = new Map(registeredSchedules(resolved.alias).map((entry) => [entry.name, entry]));
  const names = [...new Set([...declared.keys(), ...states.keys()])].sort();
  return Promise.all(names.map((name) => overviewOf(resolved, name, declared.get(name), states.get(name), now, readLastStatus)));
}

async function overviewOf(
  resolved: ResolvedBackend,
  name: string,
  declared: Schedule | undefined,
  state: ScheduleState | undefined,
  now: Date,
  readLastStatus: boolean,
): Promise<ScheduleOverview> {
  const lastTaskId = state?.lastTaskId ?? null;
  const last = lastTaskId === null || !readLastStatus ? null : await resolved.backend.get({ backend: resolved.alias, id: lastTaskId });
  const nextOccurrence = declared ? declared.nextAfter(state?.settledThrough ?? now) : null;
  const dueForMs = nextOccurrence && declared && state ? now.getTime() - nextOccurrence.getTime() : 0;
  return {
    name,
    backend: resolved.alias,
    declared: declared !== undefined,
    taskName: declared?.task.name ?? null,
    cron: declared?.cron ?? null,
    timeZone: declared?.timeZone ?? null,
    missed: declared?.missed ?? null,
    settledThrough: state?.settledThrough ?? null,
    nextOccurrence,
    lastEnqueuedFor: state?.lastEnqueuedFor ?? null,
    lastTaskId,
    lastStatus: last?.status ?? null,
    overdueMs: declared && dueForMs > declared.graceMs ? dueForMs : null,
  };
}
