/**
 * What the SQLite database holds of the task schema: which task tables exist, whether the
 * migrations table exists and the newest migration it records.
 */
import { getTableName, sql } from "drizzle-orm";
import { toLatestApplied } from "../shared/migrations.js";
import type { SqliteDb } from "./queries.js";
import { tasksQueue, tasksResults, tasksSchedules, tasksWorkers } from "./schema.js";

/** The task tables, as they are named in the database. */
export const TASK_TABLES: readonly string[] = [getTableName(tasksQueue), getTableName(tasksResults), getTableName(tasksWorkers), getTableName(tasksSchedules)];

/** The task schema's state in one database. */
export interface SqliteStorageState {
  /** Task tables that do not exist. */
  readonly missingTables: string[];
  /** Whether the migrations table exists. */
  readonly recorded: boolean;
  /** Newest `created_at` in the migrations table; null when it is empty or absent. */
  readonly latestApplied: number | null;
}

/** Reads the {@link SqliteStorageState} of `db`, whose migrations are recorded in `migrationsTable`. */
export function readStorageState(db: SqliteDb, migrationsTable: string): SqliteStorageState {
  const names = [...TASK_TABLES, migrationsTable];
  const found = new Set(
    db
      .all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${sql.join(names.map((name) => sql`${name}`), sql`, `)})`)
      .map((row) => row.name),
  );
  const recorded = found.has(migrationsTable);
  let latestApplied: number | null = null;
  if (recorded) {
    const [row] = db.all<{ latest: unknown }>(sql`SELECT max(created_at) AS latest FROM ${sql.identifier(migrationsTable)}`);
    latestApplied = toLatestApplied(row?.latest);
  }
  return { missingTables: TASK_TABLES.filter((table) => !found.has(table)), recorded, latestApplied };
}
