import { DEFAULT_BACKEND_ALIAS, getBackend, getClock } from "./config.js";
import { InvalidTaskError, TaskCancelledError, TaskResultDoesNotExistError } from "./errors.js";
import type { HealthReport } from "./records.js";
import { overdueSchedules } from "./schedules/overview.js";
import { TaskResult } from "./result.js";
import { validateQueueName } from "./validation.js";

/** A stored result by id, whatever its task. */
export async function getTaskResult(id: string, backendAlias: string = DEFAULT_BACKEND_ALIAS): Promise<TaskResult> {
  const resolved = getBackend(backendAlias);
  const record = await resolved.backend.get({ backend: resolved.alias, id });
  if (!record) throw new TaskResultDoesNotExistError(`No task result with id "${id}" in backend "${resolved.alias}".`);
  return new TaskResult(record);
}

/**
 * Cancels a task: READY becomes CANCELLED; a RUNNING task is marked CANCELLED at once and
 * its worker aborts the task's signal at its next heartbeat (its late completion is ignored).
 * A finished task is returned unchanged.
 */
export async function cancelTask(id: string, backendAlias: string = DEFAULT_BACKEND_ALIAS): Promise<TaskResult> {
  const resolved = getBackend(backendAlias);
  const record = await resolved.backend.cancel({ backend: resolved.alias, now: getClock().now(), id });
  if (!record) throw new TaskResultDoesNotExistError(`No task result with id "${id}" in backend "${resolved.alias}"; nothing was cancelled.`);
  return new TaskResult(record);
}

/** Options of {@link taskHealth}. */
export interface HealthOptions {
  readonly backend?: string;
  /** How many recent failures to list. Default 10. */
  readonly recentFailures?: number;
  /**
   * `"live"` counts only READY and RUNNING tasks and never reads the finished ones (their
   * counts are 0): cheap on a large results table, for polls and overviews. Default `"all"`.
   */
  readonly scope?: "all" | "live";
}

/** A schedule whose next occurrence is due for longer than its grace period, as {@link taskHealth} lists it. */
export interface OverdueScheduleSummary {
  readonly name: string;
  readonly taskName: string;
  /** The occurrence no worker has enqueued. */
  readonly dueAt: Date;
  /** How long it has been due. */
  readonly overdueMs: number;
}

/** What {@link taskHealth} reports: the backend's report and the overdue schedules. */
export interface TaskHealthReport extends HealthReport {
  /**
   * Schedules declared in this process (their modules imported) whose next occurrence no
   * worker has enqueued within the grace period: no worker runs, or none declares the schedule.
   */
  readonly overdueSchedules: OverdueScheduleSummary[];
}

/** Counts by queue and status, oldest READY age, running tasks, recent failures, live workers, overdue schedules. */
export async function taskHealth(options: HealthOptions = {}): Promise<TaskHealthReport> {
  const resolved = getBackend(options.backend ?? DEFAULT_BACKEND_ALIAS);
  const [report, schedules] = await Promise.all([
    resolved.backend.health({ backend: resolved.alias, now: getClock().now(), recentFailures: options.recentFailures ?? 10, scope: checkedScope(options.scope) }),
    overdueSchedules(resolved),
  ]);
  return { ...report, overdueSchedules: schedules.map((entry) => ({ name: entry.name, taskName: entry.taskName!, dueAt: entry.nextOccurrence!, overdueMs: entry.overdueMs! })) };
}

function checkedScope(scope: unknown): "all" | "live" {
  if (scope === undefined || scope === "all" || scope === "live") return scope ?? "all";
  throw new InvalidTaskError(`taskHealth(): scope must be "all" or "live" (got ${JSON.stringify(scope)}).`);
}

/**
 * How long {@link pruneTasks} keeps finished rows when not told: 14 days, in milliseconds
 * (the `prune` command's default `--keep 14d` too).
 */
export const DEFAULT_PRUNE_KEEP_MS = 14 * 24 * 60 * 60 * 1000;

/** Options of {@link pruneTasks}. */
export interface PruneOptions {
  readonly backend?: string;
  /**
   * Delete SUCCESSFUL and CANCELLED rows finished longer ago than this (milliseconds).
   * Default {@link DEFAULT_PRUNE_KEEP_MS} (14 days).
   */
  readonly keepMs?: number;
  /** Delete FAILED rows finished longer ago than this. Default: `keepMs`. */
  readonly keepFailedMs?: number;
  /** Only these queues. Default: all. */
  readonly queues?: readonly string[];
  /** Rows per delete statement. Default 1,000. */
  readonly batchSize?: number;
  /** Count only. */
  readonly dryRun?: boolean;
  /** Called after each chunk with the running total. */
  readonly onProgress?: (deletedSoFar: number) => void;
  /** Stops between chunks when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Deletes old finished rows in chunks; READY and RUNNING rows are never touched. Returns the
 * count. Without `keepMs`, keeps the last 14 days ({@link DEFAULT_PRUNE_KEEP_MS}).
 */
export async function pruneTasks(options: PruneOptions = {}): Promise<number> {
  const resolved = getBackend(options.backend ?? DEFAULT_BACKEND_ALIAS);
  const keepMs = options.keepMs ?? DEFAULT_PRUNE_KEEP_MS;
  const keepFailedMs = options.keepFailedMs ?? keepMs;
  for (const [field, value] of [["keepMs", keepMs], ["keepFailedMs", keepFailedMs]] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidTaskError(`pruneTasks(): ${field} must be a number of milliseconds ≥ 0 (got ${String(value)}).`);
    }
  }
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidTaskError(`pruneTasks(): batchSize must be a whole number ≥ 1 (got ${String(batchSize)}).`);
  }
  for (const queue of options.queues ?? []) validateQueueName(queue, "pruneTasks()");
  const now = getClock().now().getTime();
  const base = {
    backend: resolved.alias,
    finishedBefore: new Date(now - keepMs),
    failedBefore: new Date(now - keepFailedMs),
    limit: batchSize,
    ...(options.queues ? { queues: options.queues } : {}),
  };
  if (options.dryRun) return resolved.backend.prune({ ...base, dryRun: true });
  let total = 0;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new TaskCancelledError("Prune was stopped.");
    const deleted = await resolved.backend.prune({ ...base, dryRun: false });
    total += deleted;
    options.onProgress?.(total);
    if (deleted < batchSize) return total;
  }
}
