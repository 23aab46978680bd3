import Database from "better-sqlite3";

const EXECUTIONS_DDL = `
  CREATE TABLE chaos_executions (
    run_id text PRIMARY KEY,
    task_id text NOT NULL,
    seq integer NOT NULL,
    worker_id text NOT NULL,
    attempt integer NOT NULL,
    atomic integer NOT NULL,
    started_ms integer NOT NULL,
    recorded_ms integer NOT NULL
  );
  CREATE INDEX chaos_executions_task_idx ON chaos_executions (task_id);`;

/** Adds the executions side table to the (already migrated) task file at `path`. */
export function createExecutionsTable(path: string): void {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(EXECUTIONS_DDL);
  } finally {
    db.close();
  }
}

/** Runs a read-only query on the task file (WAL readers never wait for writers). */
export function sqliteRows<T>(path: string, query: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    db.pragma("busy_timeout = 5000");
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}
