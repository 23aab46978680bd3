/**
 * Retry, cancel and delete — on one task or on every task a list filter selects — and the log
 * line and hook that record who did it.
 */
import {
  cancelTask,
  deleteTasks,
  getLogger,
  listTasks,
  retryTasks,
  ResultStatus,
  TaskResultDoesNotExistError,
  type TaskListCursor,
} from "@tasks/core";
import type { DashboardUser, ResolvedDashboardOptions } from "./options.js";
import { filterOf, type ListQuery } from "./query.js";

/** An action the dashboard offers. */
export type ActionName = "retry" | "cancel" | "delete";

/** Every action, for routing. */
export const ACTION_NAMES: readonly ActionName[] = ["retry", "cancel", "delete"];

/** The statuses each action applies to; other tasks are left as they are. */
export const ACTION_STATUSES: Record<ActionName, readonly ResultStatus[]> = {
  retry: [ResultStatus.FAILED, ResultStatus.CANCELLED],
  cancel: [ResultStatus.READY, ResultStatus.RUNNING],
  delete: [ResultStatus.SUCCESSFUL, ResultStatus.FAILED, ResultStatus.CANCELLED],
};

/** What each action does, in words for the confirm page. */
export const ACTION_DESCRIPTIONS: Record<ActionName, string> = {
  retry: "run again as a new attempt of the same result (same id, arguments and history; READY now, with at least one attempt left)",
  cancel: "cancel (READY tasks never run; RUNNING tasks are marked CANCELLED and their worker aborts them at its next heartbeat)",
  delete: "delete for good (only finished tasks: SUCCESSFUL, FAILED or CANCELLED)",
};

/** Ids per call to the core; also the page size when a bulk action walks the list. */
export const ACTION_CHUNK = 500;

/** Applies one action to up to {@link ACTION_CHUNK} ids; returns the ids it changed. */
export async function applyAction(action: ActionName, backend: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  if (action === "retry") return (await retryTasks(ids, backend)).map((result) => result.id);
  if (action === "delete") return deleteTasks(ids, backend);
  const cancelled: string[] = [];
  for (const id of ids) {
    try {
      const result = await cancelTask(id, backend);
      if (result.status === ResultStatus.CANCELLED) cancelled.push(id);
    } catch (error) {
      // Deleted or pruned since it was listed: nothing to cancel.
      if (!(error instanceof TaskResultDoesNotExistError)) throw error;
    }
  }
  return cancelled;
}

/** The tasks a bulk action would touch. */
export interface BulkSelection {
  /** The ids, at most `limit` of them. */
  readonly ids: string[];
  /** True when the filter selects more than the limit (nothing should be done then). */
  readonly overLimit: boolean;
  /** The statuses walked: the filter's statuses that the action applies to. */
  readonly statuses: readonly ResultStatus[];
}

/**
 * Walks the filtered list in pages of {@link ACTION_CHUNK}, keeping only the statuses the action
 * applies to, and stops once more than `limit` tasks are found.
 */
export async function selectForBulk(action: ActionName, backend: string, query: ListQuery, limit: number): Promise<BulkSelection> {
  const wanted = query.statuses.length > 0 ? query.statuses : Object.values(ResultStatus);
  const statuses = ACTION_STATUSES[action].filter((status) => wanted.includes(status));
  const ids: string[] = [];
  if (statuses.length === 0) return { ids, overLimit: false, statuses };
  let after: TaskListCursor | null = null;
  do {
    const page: Awaited<ReturnType<typeof listTasks>> = await listTasks({
      backend,
      ...filterOf(query, statuses),
      order: query.order,
      direction: query.direction,
      limit: ACTION_CHUNK,
      after,
    });
    for (const task of page.tasks) ids.push(task.id);
    if (ids.length > limit) return { ids: ids.slice(0, limit), overLimit: true, statuses };
    after = page.next;
  } while (after !== null);
  return { ids, overLimit: false, statuses };
}

/** Applies an action to every id in chunks of {@link ACTION_CHUNK}; returns the ids changed. */
export async function applyBulk(action: ActionName, backend: string, ids: readonly string[]): Promise<string[]> {
  const changed: string[] = [];
  for (let start = 0; start < ids.length; start += ACTION_CHUNK) {
    changed.push(...(await applyAction(action, backend, ids.slice(start, start + ACTION_CHUNK))));
  }
  return changed;
}

/** Logs "dashboard action" at info with who did what, then calls the `onAction` hook. */
export async function recordAction(
  options: ResolvedDashboardOptions,
  user: DashboardUser,
  action: ActionName,
  backend: string,
  ids: readonly string[],
  changed: readonly string[],
  bulk: boolean,
): Promise<void> {
  const event = { user: user.name, action, backend, ids: [...ids], count: changed.length, bulk };
  getLogger().info("dashboard action", event);
  await options.onAction?.(event);
}
