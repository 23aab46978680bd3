import {
  applyAttemptOutcome,
  compareClaimOrder,
  queueSelected,
  type ClaimParams,
  type CompleteOutcome,
  type CompleteParams,
  type HeartbeatOutcome,
  type HeartbeatParams,
  type LostLease,
  type TaskRecord,
} from "@tasks/core/backend";
import { addMs, copyRecord, type Row } from "./rows.js";
import { assertLimit, assertTaskNames, type MemoryStore } from "./store.js";

/** Claims up to `limit` runnable READY rows in claim order and marks them RUNNING. */
export function claimTasks(store: MemoryStore, params: ClaimParams): TaskRecord[] {
  assertLimit("claim()", "limit", params.limit);
  assertTaskNames("claim()", params.taskNames);
  const partition = store.partition(params.backend);
  const now = params.now.getTime();
  const only = params.ids ? new Set(params.ids) : null;
  const names = params.taskNames ? new Set(params.taskNames) : null;
  const candidates: Row[] = [];
  for (const row of partition.rows.values()) {
    if (row.status !== "READY") continue;
    if (only && !only.has(row.id)) continue;
    if (names && !names.has(row.taskName)) continue;
    if (!queueSelected(params.queues, row.queueName)) continue;
    if (!params.ignoreRunAfter && row.runAfter !== null && row.runAfter.getTime() > now) continue;
    candidates.push(row);
  }
  candidates.sort(compareClaimOrder);
  return candidates.slice(0, params.limit).map((row) => {
    row.status = "RUNNING";
    row.attempts += 1;
    row.workerIds.push(params.workerId);
    row.startedAt ??= new Date(now);
    row.lastAttemptedAt = new Date(now);
    row.leaseExpiresAt = addMs(params.now, params.leaseMs);
    return copyRecord(row);
  });
}

/** Records the worker as live, extends the leases it still holds and reports the lost ones. */
export function heartbeat(store: MemoryStore, params: HeartbeatParams): HeartbeatOutcome {
  assertTaskNames("heartbeat()", params.taskNames);
  const partition = store.partition(params.backend);
  const expiresAt = addMs(params.now, params.leaseMs);
  // Without names the worker keeps what it reported before.
  const taskNames = params.taskNames ? [...params.taskNames] : (partition.workers.get(params.workerId)?.taskNames ?? null);
  partition.workers.set(params.workerId, { lastSeenAt: new Date(params.now.getTime()), expiresAt, taskNames });
  const lost: LostLease[] = [];
  for (const lease of params.leases) {
    const row = partition.rows.get(lease.id);
    if (row && row.status === "RUNNING" && row.attempts === lease.attempt) {
      row.leaseExpiresAt = new Date(expiresAt.getTime());
    } else {
      lost.push({ id: lease.id, status: row ? row.status : null });
    }
  }
  return { lost };
}

/** Writes each outcome only while its row is RUNNING under the same attempt number. */
export function completeTasks(store: MemoryStore, params: CompleteParams): CompleteOutcome {
  const partition = store.partition(params.backend);
  const applied: string[] = [];
  for (const completion of params.completions) {
    const row = partition.rows.get(completion.id);
    if (!row || row.status !== "RUNNING" || row.attempts !== completion.attempt) continue;
    const after = copyRecord(applyAttemptOutcome(row, completion.outcome, new Date(params.now.getTime())));
    partition.rows.set(row.id, after);
    applied.push(row.id);
  }
  return { applied };
}
