import type { ExecutionRecord, Progress, Snapshot, TaskRow, TaskStore } from "../report/store.js";
import { psql } from "./psql.js";

/**
 * Every task row, live (`tasks_queue`) and finished (`tasks_results`), in one statement: one
 * snapshot, so a row moving between the two tables is seen exactly once.
 */
const ALL_TASKS = "(SELECT id, task_name, status, attempts, worker_ids FROM tasks_queue UNION ALL SELECT id, task_name, status, attempts, worker_ids FROM tasks_results) AS t";

/** Reads a scenario's Postgres database through psql. */
export function postgresStore(url: string): TaskStore {
  return {
    async progress(): Promise<Progress | null> {
      try {
        const rows = await psql(url, `SELECT count(*), count(*) FILTER (WHERE status IN ('SUCCESSFUL', 'FAILED', 'CANCELLED')) FROM ${ALL_TASKS}`, 5_000);
        return { total: Number(rows[0]?.[0]), finished: Number(rows[0]?.[1]) };
      } catch {
        return null;
      }
    },
    async statusCounts(): Promise<Record<string, number> | null> {
      try {
        return Object.fromEntries((await psql(url, `SELECT status, count(*) FROM ${ALL_TASKS} GROUP BY status`, 5_000)).map(([status, count]) => [String(status), Number(count)]));
      } catch {
        return null;
      }
    },
    async registeredWorkers(): Promise<Set<string>> {
      try {
        return new Set((await psql(url, "SELECT worker_id FROM tasks_workers", 5_000)).map(([id]) => String(id)));
      } catch {
        return new Set();
      }
    },
    async snapshot(): Promise<Snapshot> {
      const tasks = await psql(url, `SELECT id, task_name, status, attempts, worker_ids::text FROM ${ALL_TASKS}`, 60_000);
      const executions = await psql(url, "SELECT task_id, seq, run_id, worker_id, atomic, started_ms, recorded_ms FROM chaos_executions", 60_000);
      return {
        tasks: tasks.map(([id, taskName, status, attempts, workerIds]): TaskRow => ({
          id: String(id),
          taskName: String(taskName),
          status: String(status),
          attempts: Number(attempts),
          workerIds: JSON.parse(String(workerIds)) as string[],
        })),
        executions: executions.map(([taskId, seq, runId, workerId, atomic, startedMs, recordedMs]): ExecutionRecord => ({
          taskId: String(taskId),
          seq: Number(seq),
          runId: String(runId),
          workerId: String(workerId),
          atomic: atomic === "t",
          startedMs: Number(startedMs),
          recordedMs: Number(recordedMs),
        })),
      };
    },
  };
}
