import { ATOMIC_TASK } from "../fixture/settings.js";
import type { Fault } from "./faults.js";
import type { ExecutionRecord, Snapshot } from "./store.js";

/** A duplicate whose first run was recorded this close to a fault counts as "in flight at a fault". */
const FAULT_MARGIN_MS = 5_000;

/** What happened to the tasks of one scenario. */
export interface Tally {
  readonly tasks: number;
  /** SUCCESSFUL with at least one recorded execution. */
  readonly finished: number;
  /** `tasks - finished`: FAILED, never finished, or marked SUCCESSFUL without ever running. */
  readonly lost: number;
  readonly failed: number;
  readonly unfinished: number;
  readonly successfulNeverRan: number;
  /** Recorded runs beyond the first, over all tasks. */
  readonly duplicates: number;
  /** Duplicated tasks whose first run was recorded far from every fault. */
  readonly duplicatesOutsideFaults: number;
  /** Atomic tasks with more than one committed run. */
  readonly atomicTwice: number;
  /** Tasks that needed more than one attempt. */
  readonly retried: number;
}

/** Counts {@link Tally} from the stored rows. */
export function tallyOf(snapshot: Snapshot, faults: readonly Fault[]): Tally {
  const runsByTask = groupRuns(snapshot.executions);
  let finished = 0;
  let failed = 0;
  let unfinished = 0;
  let successfulNeverRan = 0;
  let duplicates = 0;
  let duplicatesOutsideFaults = 0;
  let atomicTwice = 0;
  let retried = 0;
  for (const task of snapshot.tasks) {
    const runs = runsByTask.get(task.id) ?? [];
    if (task.status === "SUCCESSFUL" && runs.length > 0) finished += 1;
    else if (task.status === "SUCCESSFUL") successfulNeverRan += 1;
    else if (task.status === "FAILED") failed += 1;
    else unfinished += 1;
    if (task.attempts > 1) retried += 1;
    if (runs.length > 1) {
      duplicates += runs.length - 1;
      if (task.taskName === ATOMIC_TASK) atomicTwice += 1;
      const first = Math.min(...runs.map((run) => run.recordedMs));
      if (!faults.some((fault) => first >= fault.at - FAULT_MARGIN_MS && first <= fault.clearedAt + FAULT_MARGIN_MS)) duplicatesOutsideFaults += 1;
    }
  }
  const tasks = snapshot.tasks.length;
  return { tasks, finished, lost: tasks - finished, failed, unfinished, successfulNeverRan, duplicates, duplicatesOutsideFaults, atomicTwice, retried };
}

/** Recorded runs per task id. */
export function groupRuns(executions: readonly ExecutionRecord[]): Map<string, ExecutionRecord[]> {
  const byTask = new Map<string, ExecutionRecord[]>();
  for (const run of executions) {
    const runs = byTask.get(run.taskId);
    if (runs) runs.push(run);
    else byTask.set(run.taskId, [run]);
  }
  return byTask;
}
