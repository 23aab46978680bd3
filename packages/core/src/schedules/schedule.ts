/** A periodic task's schedule and its options (declared with `schedule()` in `declare.ts`). */
import type { Cron } from "croner";
import type { ResolvedBackend } from "../config.js";
import { InvalidTaskBackendError } from "../errors.js";
import type { JsonValue } from "../json.js";
import type { AnyTask } from "../task.js";

/**
 * What a schedule does with occurrences no worker enqueued in time (a deploy, an outage):
 * - `latest`: enqueue only the most recent missed occurrence, and none if an occurrence due
 *   within the grace period is enqueued anyway (default);
 * - `all`: enqueue every missed occurrence of the last `backfillMs`, oldest first;
 * - `none`: enqueue no missed occurrence.
 */
export type MissedRunPolicy = "latest" | "all" | "none";

/** Options of {@link schedule}. */
export interface ScheduleOptions<A extends unknown[]> {
  /**
   * Stable name, stored in the database with the schedule's state: renaming a schedule starts
   * a new one. Default: the task's name (a task with several schedules must name them).
   */
  readonly name?: string;
  /**
   * A cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds
   * first, or a nickname (`@yearly`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`).
   */
  readonly cron: string;
  /** IANA time zone the expression is read in, such as `"Europe/Paris"`. Default `"UTC"`. */
  readonly timeZone?: string;
  /** The task's arguments for every occurrence (JSON values). Default `[]`. */
  readonly args?: A;
  /** See {@link MissedRunPolicy}. Default `"latest"`. */
  readonly missed?: MissedRunPolicy;
  /**
   * How late an occurrence may be enqueued and still count as on time (a worker busy,
   * restarting, or a storage call retried): on-time occurrences are enqueued under every
   * policy. Default 60 s; 1 s to 1 h.
   */
  readonly graceMs?: number;
  /** For `missed: "all"`: how far back missed occurrences are enqueued. Default 24 h; at most 31 days. */
  readonly backfillMs?: number;
}

/** Default {@link ScheduleOptions.graceMs}. */
export const DEFAULT_SCHEDULE_GRACE_MS = 60_000;
/** Default {@link ScheduleOptions.backfillMs}. */
export const DEFAULT_BACKFILL_MS = 24 * 60 * 60 * 1000;

/** A declared schedule of a task. Made by {@link schedule}; immutable. */
export class Schedule {
  readonly #task: AnyTask;
  readonly #cron: Cron;
  /** Stable name (key of the stored state, with the task's backend alias). */
  readonly name: string;
  /** The cron expression as given. */
  readonly cron: string;
  /** IANA time zone of the expression. */
  readonly timeZone: string;
  /** The arguments each occurrence's task is enqueued with. */
  readonly args: readonly JsonValue[];
  readonly missed: MissedRunPolicy;
  readonly graceMs: number;
  readonly backfillMs: number;

  /** Use {@link schedule}. */
  constructor(task: AnyTask, name: string, cron: Cron, options: Required<Omit<ScheduleOptions<unknown[]>, "name" | "args">> & { args: JsonValue[] }) {
    this.#task = task;
    this.#cron = cron;
    this.name = name;
    this.cron = options.cron;
    this.timeZone = options.timeZone;
    this.args = Object.freeze([...options.args]);
    this.missed = options.missed;
    this.graceMs = options.graceMs;
    this.backfillMs = options.backfillMs;
  }

  /** The task this schedule enqueues (with the overrides it was declared with). */
  get task(): AnyTask {
    return this.#task;
  }

  /** The backend alias whose workers enqueue this schedule's occurrences. */
  get backend(): string {
    return this.#task.backend;
  }

  /** The first occurrence strictly after `after`; `null` if the expression never occurs again. */
  nextAfter(after: Date): Date | null {
    return this.#cron.nextRun(after);
  }

  /** The last occurrence at or before `at`; `null` if none. */
  latestAtOrBefore(at: Date): Date | null {
    return this.#cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
  }
}

/** Throws unless `resolved` can store schedules and deferred tasks. */
export function checkScheduleBackend(declared: Schedule, resolved: ResolvedBackend): void {
  const { capabilities, kind } = resolved.backend;
  if (!capabilities.supportsSchedules || !capabilities.supportsDefer || !capabilities.supportsWorkers) {
    throw new InvalidTaskBackendError(
      `Schedule "${declared.name}" of task "${declared.task.name}" needs a backend that stores schedules for workers, but backend "${resolved.alias}" (${kind}) does not. Give the task a database or memory backend alias.`,
    );
  }
}
