import { ALL_STATUSES, type HealthParams, type HealthReport, type LiveWorkerSummary, type StatusCounts, type UnrunnableTaskSummary } from "@tasks/core/backend";
import { copyDate } from "./rows.js";
import type { MemoryStore } from "./store.js";

/** Counts by queue and status, oldest runnable READY age, running rows, recent failures, live workers, unrunnable READY rows. */
export function healthReport(store: MemoryStore, params: HealthParams): HealthReport {
  const partition = store.partition(params.backend);
  const now = params.now.getTime();
  const queues: Record<string, StatusCounts> = {};
  const oldestByQueue: Record<string, number> = {};
  const liveOnly = params.scope === "live";
  for (const row of partition.rows.values()) {
    if (liveOnly && row.status !== "READY" && row.status !== "RUNNING") continue;
    const counts = (queues[row.queueName] ??= emptyCounts());
    counts[row.status] += 1;
    if (row.status !== "READY") continue;
    // Age counts from when the task became runnable, so a deferred task is not "late" early.
    const runnable = (row.runAfter ?? row.enqueuedAt).getTime();
    if (row.runAfter !== null && runnable > now) continue;
    const known = oldestByQueue[row.queueName];
    if (known === undefined || runnable < known) oldestByQueue[row.queueName] = runnable;
  }
  const rows = [...partition.rows.values()];
  const running = rows
    .filter((row) => row.status === "RUNNING")
    .map((row) => ({
      id: row.id,
      taskName: row.taskName,
      queueName: row.queueName,
      workerId: row.workerIds.at(-1) ?? null,
      startedAt: copyDate(row.startedAt),
      leaseExpiresAt: copyDate(row.leaseExpiresAt),
    }));
  const recentFailures = rows
    .filter((row) => row.status === "FAILED")
    .sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, Math.max(0, params.recentFailures))
    .map((row) => {
      const last = row.errors.at(-1);
      return {
        id: row.id,
        taskName: row.taskName,
        queueName: row.queueName,
        finishedAt: copyDate(row.finishedAt),
        error: last ? { className: last.className, message: last.message, stack: last.stack } : null,
      };
    });
  // Like a lease, a heartbeat counts until the instant it expires (rescue takes only leases expired before now).
  const workers = [...partition.workers.entries()]
    .filter(([, beat]) => beat.expiresAt.getTime() >= now)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([workerId, beat]) => ({
      workerId,
      lastSeenAt: new Date(beat.lastSeenAt.getTime()),
      expiresAt: new Date(beat.expiresAt.getTime()),
      taskNames: beat.taskNames ? [...beat.taskNames] : null,
    }));
  const unrunnable = unrunnableTasks(rows, workers);
  const readyAgeByQueue: Record<string, number> = {};
  for (const [queueName, runnable] of Object.entries(oldestByQueue)) readyAgeByQueue[queueName] = Math.max(0, now - runnable);
  const ages = Object.values(readyAgeByQueue);
  return { queues, oldestReadyAgeMs: ages.length === 0 ? null : Math.max(...ages), readyAgeByQueue, running, recentFailures, workers, unrunnable };
}

/** READY rows, by name and queue, whose name no live worker reported (none if one never reported names). */
function unrunnableTasks(rows: readonly { status: string; taskName: string; queueName: string }[], workers: readonly LiveWorkerSummary[]): UnrunnableTaskSummary[] {
  const runnable = new Set<string>();
  for (const worker of workers) {
    if (worker.taskNames === null) return [];
    for (const name of worker.taskNames) runnable.add(name);
  }
  const counts = new Map<string, UnrunnableTaskSummary>();
  for (const row of rows) {
    if (row.status !== "READY" || runnable.has(row.taskName)) continue;
    const key = JSON.stringify([row.taskName, row.queueName]);
    const entry = counts.get(key);
    counts.set(key, { taskName: row.taskName, queueName: row.queueName, count: (entry?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => compareText(a.taskName, b.taskName) || compareText(a.queueName, b.queueName));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyCounts(): StatusCounts {
  return Object.fromEntries(ALL_STATUSES.map((status) => [status, 0])) as StatusCounts;
}
