/** The order of a task list (`BrowseOperations.listTasks`), shared by every backend that sorts or cuts pages in code. */
import type { TaskListOrder } from "./browse-contract.js";

/** A place in a task list: a task, or a cursor. */
export interface ListPosition {
  readonly id: string;
  readonly finishedAt: Date | null;
}

/**
 * Ascending comparison of two places in a list of order `order`: by id for `"enqueued"`; by
 * finish time, then id, for `"finished"`. Negate it for a `"desc"` list.
 */
export function compareListPositions(a: ListPosition, b: ListPosition, order: TaskListOrder): number {
  if (order === "finished") {
    const byTime = (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0);
    if (byTime !== 0) return byTime;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
