/** What the pages and the JSON API read through @tasks/core: backends, overview, one task. */
import {
  configuredAliases,
  finishedThroughput,
  getBackend,
  getClock,
  getTaskResult,
  scheduleOverview,
  taskHealth,
  TaskResultDoesNotExistError,
  type FinishedCount,
  type ScheduleOverview,
  type TaskHealthReport,
  type TaskResult,
} from "@tasks/core";
import { BadRequestError, DashboardHttpError } from "./errors.js";
import type { ResolvedDashboardOptions } from "./options.js";
import { checkTaskId } from "./query.js";

/** One configured backend alias as the dashboard sees it. */
export interface BackendInfo {
  readonly alias: string;
  /** The backend's kind (`"memory"`, `"postgres"`, `"sqlite"`…). */
  readonly kind: string;
  /** `capabilities.supportsBrowse`: only these are listed and acted on. */
  readonly browsable: boolean;
}

/** The backends the dashboard shows, in configuration order. */
export function dashboardBackends(options: ResolvedDashboardOptions): BackendInfo[] {
  const configured = configuredAliases();
  const aliases = options.backends ? options.backends.filter((alias) => configured.includes(alias)) : configured;
  return aliases.map((alias) => {
    const { backend } = getBackend(alias);
    return { alias, kind: backend.kind, browsable: backend.capabilities.supportsBrowse === true };
  });
}

/** The alias a request names (or the first browsable one); a 400 when it cannot be browsed. */
export function browsableBackend(options: ResolvedDashboardOptions, requested: string | null): string {
  const backends = dashboardBackends(options);
  const browsable = backends.filter((backend) => backend.browsable).map((backend) => backend.alias);
  if (requested === null) {
    const first = browsable[0];
    if (first === undefined) {
      throw new DashboardHttpError(404, "No browsable backend", "No configured backend supports browsing tasks (capabilities.supportsBrowse); configure a memory, SQLite or Postgres backend with configureTasks() before serving the dashboard.");
    }
    return first;
  }
  const found = backends.find((backend) => backend.alias === requested);
  if (!found) {
    throw new BadRequestError("backend", `${JSON.stringify(requested.slice(0, 80))} is not a backend alias shown here; use one of ${browsable.map((alias) => JSON.stringify(alias)).join(", ") || "(none)"}.`);
  }
  if (!found.browsable) {
    throw new BadRequestError("backend", `backend "${found.alias}" (${found.kind}) has no browse support; use one of ${browsable.map((alias) => JSON.stringify(alias)).join(", ") || "(none)"}.`);
  }
  return found.alias;
}

/** Finished tasks per minute over the last hour, and the window they cover. */
export interface Throughput {
  readonly since: Date;
  readonly until: Date;
  readonly bucketMs: number;
  readonly counts: FinishedCount[];
}

/** The finished statuses the overview counts over the throughput window. */
export const FINISHED_STATUSES = ["SUCCESSFUL", "FAILED", "CANCELLED"] as const;

/**
 * One row of the overview's queue table: live counts (exact, whatever their age) and the tasks
 * finished in the throughput window (not all time: counting every finished task does not stay
 * fast on a large results table).
 */
export interface QueueOverview {
  readonly queueName: string;
  readonly READY: number;
  readonly RUNNING: number;
  /** Age of the queue's oldest runnable READY task; `null` when it has none or the backend does not say. */
  readonly oldestReadyAgeMs: number | null;
  /** Tasks of this queue that finished in `[throughput.since, throughput.until)`, by status. */
  readonly finishedInWindow: Record<(typeof FINISHED_STATUSES)[number], number>;
}

/** Everything the overview shows for one backend alias. */
export interface BackendOverview extends BackendInfo {
  /**
   * `taskHealth({ scope: "live" })`: READY and RUNNING counts per queue, workers, failures and
   * overdue schedules; its finished counts are 0 (see `queues` for the last hour's).
   * `null` for a backend without browse support, or when reading it failed (see `error`).
   */
  readonly health: TaskHealthReport | null;
  /** The queue table's rows, by queue name; empty when `health` is `null`. */
  readonly queues: QueueOverview[];
  /** Age of the oldest runnable READY task per queue (the health report's `readyAgeByQueue`); `null` when not read. */
  readonly readyAgeByQueue: Record<string, number> | null;
  readonly schedules: ScheduleOverview[];
  readonly throughput: Throughput | null;
  /** Why this backend could not be read, or `null`. */
  readonly error: string | null;
}

/** One hour, in one-minute buckets. */
export const THROUGHPUT_WINDOW_MS = 60 * 60 * 1000;
const BUCKET_MS = 60 * 1000;

/** Reads the overview of every backend the dashboard shows; a failing backend is reported, not thrown. */
export async function readOverview(options: ResolvedDashboardOptions): Promise<BackendOverview[]> {
  return Promise.all(dashboardBackends(options).map((info) => readBackendOverview(info)));
}

async function readBackendOverview(info: BackendInfo): Promise<BackendOverview> {
  const empty = { ...info, health: null, queues: [], readyAgeByQueue: null, schedules: [], throughput: null };
  if (!info.browsable) return { ...empty, error: null };
  // The window ends at the end of the current minute so the buckets line up with clock minutes
  // and a task finished at this very instant (even on a whole minute) is inside it.
  const until = new Date((Math.floor(getClock().now().getTime() / BUCKET_MS) + 1) * BUCKET_MS);
  const since = new Date(until.getTime() - THROUGHPUT_WINDOW_MS);
  try {
    const [health, schedules, counts] = await Promise.all([
      // Live counts only: counting every finished task takes too long on a large results table.
      taskHealth({ backend: info.alias, scope: "live" }),
      scheduleOverview({ backend: info.alias }),
      finishedThroughput({ backend: info.alias, since, until, bucketMs: BUCKET_MS }),
    ]);
    return { ...info, health, queues: queueRows(health, counts), readyAgeByQueue: health.readyAgeByQueue, schedules, throughput: { since, until, bucketMs: BUCKET_MS, counts }, error: null };
  } catch (error) {
    return { ...empty, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Every queue with live tasks or tasks finished in the window, with its counts, by name. */
function queueRows(health: TaskHealthReport, counts: readonly FinishedCount[]): QueueOverview[] {
  const finished = new Map<string, QueueOverview["finishedInWindow"]>();
  for (const count of counts) {
    let byStatus = finished.get(count.queueName);
    if (!byStatus) finished.set(count.queueName, (byStatus = { SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 }));
    byStatus[count.status] += count.count;
  }
  const names = [...new Set([...Object.keys(health.queues), ...finished.keys()])].sort();
  return names.map((queueName) => {
    const live = health.queues[queueName];
    return {
      queueName,
      READY: live?.READY ?? 0,
      RUNNING: live?.RUNNING ?? 0,
      oldestReadyAgeMs: health.readyAgeByQueue[queueName] ?? null,
      finishedInWindow: finished.get(queueName) ?? { SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 },
    };
  });
}

/** One task by id; a 400 for a malformed id and a 404 when there is none. */
export async function readTask(id: string, backend: string): Promise<TaskResult> {
  const checked = checkTaskId(id, "id");
  try {
    return await getTaskResult(checked, backend);
  } catch (error) {
    if (error instanceof TaskResultDoesNotExistError) {
      throw new DashboardHttpError(404, "No such task", `No task with id ${checked} in backend "${backend}"; it may have been deleted or pruned.`);
    }
    throw error;
  }
}
