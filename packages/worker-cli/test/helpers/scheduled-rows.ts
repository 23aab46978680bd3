import Database from "better-sqlite3";
import postgres from "postgres";
import type { TestDatabase } from "./databases.js";

/** One stored task, as read straight from the task tables (not through a backend). */
export interface StoredOccurrence {
  readonly id: string;
  readonly status: string;
  /** `scheduled_for` in epoch milliseconds; null for a task no schedule enqueued. */
  readonly scheduledFor: number | null;
}

/**
 * Every task named `taskName` in `tasks_queue` and `tasks_results` (a task is in exactly one
 * of them: live rows in the first, finished ones in the second), read with SQL so that what
 * the backend returns is not what is checked.
 */
export async function storedTasksNamed(database: TestDatabase, taskName: string): Promise<StoredOccurrence[]> {
  if (database.dialect === "sqlite") {
    const db = new Database(database.env.TASKS_CLI_TEST_SQLITE_PATH!, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          "SELECT id, status, scheduled_for FROM tasks_queue WHERE task_name = ? UNION ALL SELECT id, status, scheduled_for FROM tasks_results WHERE task_name = ?",
        )
        .all(taskName, taskName) as Array<{ id: string; status: string; scheduled_for: number | null }>;
      return rows.map((row) => ({ id: row.id, status: row.status, scheduledFor: row.scheduled_for }));
    } finally {
      db.close();
    }
  }
  const sql = postgres(database.env.TASKS_CLI_TEST_PG_URL!, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<Array<{ id: string; status: string; scheduled_for: Date | null }>>`
      SELECT id::text, status, scheduled_for FROM tasks_queue WHERE task_name = ${taskName}
      UNION ALL SELECT id::text, status, scheduled_for FROM tasks_results WHERE task_name = ${taskName}`;
    return rows.map((row) => ({ id: row.id, status: row.status, scheduledFor: row.scheduled_for === null ? null : row.scheduled_for.getTime() }));
  } finally {
    await sql.end({ timeout: 1 });
  }
}
