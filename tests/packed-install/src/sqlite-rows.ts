/** Reads task rows straight from an application's SQLite file, to check what the commands did. */
import Database from "better-sqlite3";

/** Status of every task row, live (tasks_queue) or finished (tasks_results), by task name. */
export function storedStatuses(file: string): { taskName: string; status: string }[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT task_name AS taskName, status FROM tasks_queue UNION ALL SELECT task_name AS taskName, status FROM tasks_results ORDER BY taskName")
      .all() as { taskName: string; status: string }[];
  } finally {
    db.close();
  }
}
