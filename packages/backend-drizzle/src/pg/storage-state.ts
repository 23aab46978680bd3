/**
 * What the Postgres database holds of the task schema: which task tables exist, whether the
 * migrations table exists and the newest migration it records. Read with catalog lookups
 * (`to_regclass`) only, so it raises no notices and needs no privileges on the tables.
 */
import { getTableName, sql } from "drizzle-orm";
import { tasksQueue, tasksResults, tasksSchedules, tasksWorkers } from "./schema.js";
import type { PgDb } from "./queries.js";
import { resultRows } from "./run-sql.js";
import { toLatestApplied } from "../shared/migrations.js";

/** The task tables, as they are named in the database. */
export const TASK_TABLES: readonly string[] = [getTableName(tasksQueue), getTableName(tasksResults), getTableName(tasksWorkers), getTableName(tasksSchedules)];

/** Where applied migrations are recorded. */
export interface MigrationsTableName {
  readonly schema: string;
  readonly table: string;
}

/** The task schema's state in one database. */
export interface PgStorageState {
  readonly database: string;
  readonly user: string;
  /** Task tables that do not exist (in the search path). */
  readonly missingTables: string[];
  /** Whether the migrations table exists. */
  readonly recorded: boolean;
  /** Newest `created_at` in the migrations table; null when it is empty or absent. */
  readonly latestApplied: number | null;
}

interface StateRow {
  database: string;
  user: string;
  recorded: boolean;
  [table: string]: unknown;
}

/** Reads the {@link PgStorageState} of the database `db` is connected to. */
export async function readStorageState(db: PgDb, migrations: MigrationsTableName): Promise<PgStorageState> {
  const probes = TASK_TABLES.map((table, index) => sql`to_regclass(${table}::text) IS NOT NULL AS ${sql.identifier(`t${index}`)}`);
  const [row] = resultRows<StateRow>(
    await db.execute(sql`
      SELECT current_database() AS database, current_user AS user, ${sql.join(probes, sql`, `)},
        to_regclass(format('%I.%I', ${migrations.schema}::text, ${migrations.table}::text)) IS NOT NULL AS recorded`),
  );
  if (!row) throw new Error("The Postgres catalog query returned no row.");
  const missingTables = TASK_TABLES.filter((_, index) => row[`t${index}`] !== true);
  let latestApplied: number | null = null;
  if (row.recorded) {
    const [latest] = resultRows<{ latest: unknown }>(
      await db.execute(sql`SELECT max(created_at)::text AS latest FROM ${sql.identifier(migrations.schema)}.${sql.identifier(migrations.table)}`),
    );
    latestApplied = toLatestApplied(latest?.latest);
  }
  return { database: row.database, user: row.user, missingTables, recorded: row.recorded === true, latestApplied };
}
