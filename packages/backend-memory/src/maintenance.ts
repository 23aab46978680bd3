import type { CancelParams, DescheduleParams, RescueParams, TaskRecord } from "@tasks/core/backend";
import { copyRecord } from "./rows.js";
import { assertLimit, type MemoryStore } from "./store.js";

/**
 * RUNNING rows whose lease expired before `now`, or that have no lease expiry (earliest expiry
 * first, those without one before them; at most `limit`): READY when attempts remain, keeping
 * their runnable time and so their place in claim order; FAILED otherwise; `error` appended.
 */
export function rescueExpired(store: MemoryStore, params: RescueParams): TaskRecord[] {
  assertLimit("rescueExpired()", "limit", params.limit);
  const partition = store.partition(params.backend);
  const now = params.now.getTime();
  const expired = [...partition.rows.values()]
    .filter((row) => row.status === "RUNNING" && (row.leaseExpiresAt === null || row.leaseExpiresAt.getTime() < now))
    .sort((a, b) => (a.leaseExpiresAt?.getTime() ?? -Infinity) - (b.leaseExpiresAt?.getTime() ?? -Infinity))
    .slice(0, params.limit);
  return expired.map((row) => {
    row.errors.push({ className: params.error.className, message: params.error.message, stack: params.error.stack });
    row.leaseExpiresAt = null;
    if (row.attempts < row.maxAttempts) {
      row.status = "READY";
    } else {
      row.status = "FAILED";
      row.finishedAt = new Date(now);
    }
    return copyRecord(row);
  });
}

/** READY or RUNNING → CANCELLED; a finished row comes back unchanged; null for an unknown id. */
export function cancelTask(store: MemoryStore, params: CancelParams): TaskRecord | null {
  const row = store.partition(params.backend).rows.get(params.id);
  if (!row) return null;
  if (row.status === "READY" || row.status === "RUNNING") {
    row.status = "CANCELLED";
    row.finishedAt = new Date(params.now.getTime());
    row.leaseExpiresAt = null;
  }
  return copyRecord(row);
}

/** Cancels every READY row with this task name and identity hash; returns how many. */
export function descheduleTasks(store: MemoryStore, params: DescheduleParams): number {
  let count = 0;
  for (const row of store.partition(params.backend).rows.values()) {
    if (row.status !== "READY" || row.taskName !== params.taskName || row.identityHash !== params.identityHash) continue;
    row.status = "CANCELLED";
    row.finishedAt = new Date(params.now.getTime());
    count++;
  }
  return count;
}
