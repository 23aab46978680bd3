/**
 * The demo's database: SQLite in the data folder by default, Postgres when `DATABASE_URL` is
 * set. The task backend owns the connection; the shop's own code writes through `backend.db`,
 * so its transactions are ones the backend can join.
 *
 * `db` is typed with the demo's own drizzle-orm import: in this workspace pnpm may resolve
 * drizzle-orm for the demo and for @tasks/backend-drizzle into two peer variants whose types
 * do not match, though they work together at run time (an application that installs the
 * packages from the registry has a single copy).
 */
import { mkdirSync, rmSync } from "node:fs";
import { inArray, sql } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as pg from "@tasks/backend-drizzle/pg";
import * as sqlite from "@tasks/backend-drizzle/sqlite";
import * as pgShop from "./app-schema/pg.js";
import * as sqliteShop from "./app-schema/sqlite.js";
import { dataDir, sqlitePath } from "./paths.js";
import { demoTasks } from "./tasks.js";

/** The database in use, by dialect. */
export type DemoDatabase =
  | {
      readonly dialect: "sqlite";
      readonly backend: sqlite.SqliteBackend;
      readonly db: BetterSQLite3Database<any>;
      /** Where the data lives, for display. */
      readonly where: string;
    }
  | {
      readonly dialect: "postgres";
      readonly backend: pg.PostgresBackend;
      readonly db: PostgresJsDatabase<any>;
      readonly where: string;
    };

/** Opens the backend for `DATABASE_URL`, or for the SQLite file when it is not set. */
export function connectDemoDatabase(): DemoDatabase {
  const url = process.env.DATABASE_URL;
  if (url) {
    const backend = pg.postgresBackend({ url });
    return { dialect: "postgres", backend, db: backend.db as unknown as PostgresJsDatabase<any>, where: `Postgres at ${redact(url)}` };
  }
  mkdirSync(dataDir(), { recursive: true });
  const path = sqlitePath();
  const backend = sqlite.sqliteBackend({ path });
  return { dialect: "sqlite", backend, db: backend.db as unknown as BetterSQLite3Database<any>, where: `SQLite file ${path}` };
}

/**
 * Connects and creates the task tables (the backend's bundled migrations). With `fresh`,
 * starts from a clean state: a new SQLite file, or on Postgres new shop tables and no rows
 * left of the demo's tasks (other rows of the database are not touched).
 */
export async function openDemoDatabase(options: { readonly fresh: boolean }): Promise<DemoDatabase> {
  if (options.fresh && !process.env.DATABASE_URL) {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(sqlitePath() + suffix, { force: true });
  }
  const database = connectDemoDatabase();
  try {
    if (database.dialect === "sqlite") {
      await sqlite.migrate(database.backend.db);
      if (options.fresh) for (const statement of sqliteShop.recreateStatements) database.db.run(statement);
    } else {
      await pg.migrate(database.backend.db);
      if (options.fresh) {
        await database.db.transaction(async (tx) => {
          for (const statement of pgShop.recreateStatements) await tx.execute(statement);
          const names = demoTasks.map((demoTask) => demoTask.name);
          await tx.execute(sql`DELETE FROM tasks_queue WHERE ${inArray(sql`task_name`, names)}`);
          await tx.execute(sql`DELETE FROM tasks_results WHERE ${inArray(sql`task_name`, names)}`);
        });
      }
    }
  } catch (error) {
    await database.backend.close();
    throw error;
  }
  return database;
}

/** A connection URL without its password, for printing. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(DATABASE_URL)";
  }
}
