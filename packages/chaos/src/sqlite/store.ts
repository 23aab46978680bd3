import type { Progress, Snapshot, TaskStore } from "../report/store.js";
import { sqliteRows } from "./database.js";

interface RawTask {
  id: string;
  task_name: string;
  status: string;
  attempts: number;
  worker_ids: string;
}

interface RawExecution {
  task_id: string;
  seq: number;
  run_id: string;
  worker_id: string;
  atomic: number;
  started_ms: number;
  recorded_ms: number;
}

/**
 * Every task row, live (`tasks_queue`) and finished (`tasks_results`), read in one statement so
 * that a row moving between the two tables is seen exactly once.
 */
const ALL_TASKS = "(SELECT * FROM tasks_queue UNION ALL SELECT * FROM tasks_results)";

/** Reads a scenario's SQLite file (read-only connections, opened per call). */
export function sqliteStore(path: string): TaskStore {
  return {
    async progress(): Promise<Progress | null> {
      try {
        const [row] = sqliteRows<{ total: number; finished: number }>(
          path,
          `SELECT count(*) AS total, count(*) FILTER (WHERE status IN ('SUCCESSFUL', 'FAILED', 'CANCELLED')) AS finished FROM ${ALL_TASKS}`,
        );
        return row ? { total: row.total, finished: row.finished } : null;
      } catch {
        return null;
      }
    },
    async statusCounts(): Promise<Record<string, number> | null> {
      try {
        const rows = sqliteRows<{ status: string; n: number }>(path, `SELECT status, count(*) AS n FROM ${ALL_TASKS} GROUP BY status`);
        return Object.fromEntries(rows.map((row) => [row.status, row.n]));
      } catch {
        return null;
      }
    },
    async registeredWorkers(): Promise<Set<string>> {
      try {
        return new Set(sqliteRows<{ worker_id: string }>(path, "SELECT worker_id FROM tasks_workers").map((row) => row.worker_id));
      } catch {
        return new Set();
      }
    },
    async snapshot(): Promise<Snapshot> {
      const tasks = sqliteRows<RawTask>(path, `SELECT id, task_name, status, attempts, worker_ids FROM ${ALL_TASKS}`);
      const executions = sqliteRows<RawExecution>(path, "SELECT task_id, seq, run_id, worker_id, atomic, started_ms, recorded_ms FROM chaos_executions");
      return {
        tasks: tasks.map((row) => ({
          id: row.id,
          taskName: row.task_name,
          status: row.status,
          attempts: row.attempts,
          workerIds: JSON.parse(row.worker_ids) as string[],
        })),
        executions: executions.map((row) => ({
          taskId: row.task_id,
          seq: row.seq,
          runId: row.run_id,
          workerId: row.worker_id,
          atomic: row.atomic === 1,
          startedMs: row.started_ms,
          recordedMs: row.recorded_ms,
        })),
      };
    },
  };
}
