import type { QueueSelector } from "./backend.js";
import type { TaskRecord } from "./records.js";

/** When a task becomes claimable: `runAfter`, or `enqueuedAt` when not deferred. */
export function runnableAt(record: Pick<TaskRecord, "runAfter" | "enqueuedAt">): Date {
  return record.runAfter ?? record.enqueuedAt;
}

/** Claim order: priority descending, then runnable time ascending, then id (enqueue order). */
export function compareClaimOrder(a: TaskRecord, b: TaskRecord): number {
  return b.priority - a.priority || runnableAt(a).getTime() - runnableAt(b).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether `queueName` is selected by `selector`. */
export function queueSelected(selector: QueueSelector, queueName: string): boolean {
  if (selector.exclude.includes(queueName)) return false;
  return selector.include === "*" || selector.include.includes(queueName);
}
