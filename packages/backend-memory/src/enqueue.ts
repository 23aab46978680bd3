import { TasksError, type EnqueueOutcome, type EnqueueParams } from "@tasks/core/backend";
import { copyRecord, newRow, type Row } from "./rows.js";
import type { MemoryStore } from "./store.js";

/**
 * Stores new READY rows, or finds the active holder of each `uniqueKey` (including a row
 * stored earlier in the same call). All or nothing: a duplicate id stores none of them.
 */
export function enqueueTasks(store: MemoryStore, params: EnqueueParams): { outcomes: EnqueueOutcome[]; created: Row[] } {
  const partition = store.partition(params.backend);
  const seen = new Set<string>();
  for (const task of params.tasks) {
    if (partition.rows.has(task.id) || seen.has(task.id)) {
      throw new TasksError(`A task with id "${task.id}" is already stored in backend "${params.backend}"; task ids must be unique (use newTaskId()).`);
    }
    seen.add(task.id);
  }
  const outcomes: EnqueueOutcome[] = [];
  const created: Row[] = [];
  for (const task of params.tasks) {
    const holder = task.uniqueKey === null ? undefined : partition.activeHolder(task.uniqueKey);
    if (holder) {
      outcomes.push({ record: copyRecord(holder), created: false });
      continue;
    }
    const row = newRow(task, params.backend, params.now);
    partition.insert(row);
    created.push(row);
    outcomes.push({ record: copyRecord(row), created: true });
  }
  return { outcomes, created };
}
