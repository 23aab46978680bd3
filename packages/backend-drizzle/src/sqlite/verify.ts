/**
 * The SQLite start-up check behind `SqliteBackend.verify()`, once the file is open: the task
 * tables exist and every bundled migration is applied. (A file that cannot be opened is
 * reported by the backend, which owns the opening.)
 */
import { sql } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import type { StorageCheck } from "@tasks/core/backend";
import { columnsMissing, migrationsPending, missingColumns, schemaMissing, STORAGE_OK } from "../shared/storage-check.js";
import { pendingIn } from "./migrate.js";
import { isInMemory } from "./open.js";
import type { SqliteDb } from "./queries.js";
import { tasksQueue, tasksResults, tasksSchedules, tasksWorkers } from "./schema.js";
import { readStorageState, TASK_TABLES } from "./storage-state.js";

/** How messages name the database at `location` (a file path, or empty / `:memory:`). */
export function describeSqliteLocation(location: string): string {
  return isInMemory(location) ? "the in-memory SQLite database" : `the SQLite database "${location}"`;
}

/** Checks the task schema of `db` (opened on `location`) against the bundled migrations. */
export function verifySqlite(db: SqliteDb, location: string, migrationsTable: string): StorageCheck {
  const where = describeSqliteLocation(location);
  const state = readStorageState(db, migrationsTable);
  // Recorded migrations first: a table that a pending migration creates (tasks_queue, for a
  // database from before 0005) is an outdated schema, not a missing one.
  const pending = state.recorded ? pendingIn(state) : [];
  if (pending.length > 0 && state.missingTables.length < TASK_TABLES.length) return migrationsPending(where, pending);
  if (state.missingTables.length > 0) return schemaMissing(where, state.missingTables, TASK_TABLES);
  if (state.recorded) return STORAGE_OK;
  const missing = missingColumns(expectedColumns(), presentColumns(db));
  return missing.length > 0 ? columnsMissing(where, missing, migrationsTable) : STORAGE_OK;
}

function expectedColumns(): Map<string, string[]> {
  return new Map(
    [tasksQueue, tasksResults, tasksWorkers, tasksSchedules].map((table) => {
      const config = getTableConfig(table);
      return [config.name, config.columns.map((column) => column.name)];
    }),
  );
}

function presentColumns(db: SqliteDb): Map<string, Set<string>> {
  return new Map(
    TASK_TABLES.map((table) => [table, new Set(db.all<{ name: string }>(sql`SELECT name FROM pragma_table_info(${table})`).map((row) => row.name))]),
  );
}
