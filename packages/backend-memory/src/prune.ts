import type { PruneParams } from "@tasks/core/backend";
import type { Row } from "./rows.js";
import { assertLimit, type MemoryStore } from "./store.js";

/**
 * Deletes one chunk (at most `limit`, oldest first) of finished rows past their threshold:
 * FAILED by `failedBefore`, SUCCESSFUL and CANCELLED by `finishedBefore`. READY and RUNNING
 * rows are never touched. With `dryRun`, counts every match and deletes nothing.
 */
export function pruneTasks(store: MemoryStore, params: PruneParams): number {
  assertLimit("prune()", "limit", params.limit);
  const partition = store.partition(params.backend);
  const queues = params.queues ? new Set(params.queues) : null;
  const matches = [...partition.rows.values()].filter((row) => (!queues || queues.has(row.queueName)) && isPrunable(row, params));
  if (params.dryRun) return matches.length;
  const chunk = matches.sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0)).slice(0, params.limit);
  for (const row of chunk) partition.delete(row);
  return chunk.length;
}

function isPrunable(row: Row, params: PruneParams): boolean {
  if (row.finishedAt === null) return false;
  const finished = row.finishedAt.getTime();
  switch (row.status) {
    case "SUCCESSFUL":
    case "CANCELLED":
      return finished < params.finishedBefore.getTime();
    case "FAILED":
      return finished < params.failedBefore.getTime();
    default:
      return false;
  }
}
