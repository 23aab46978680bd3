import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import postgres from "postgres";
import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";
import { postgresBackend } from "@tasks/backend-drizzle/pg";
import type { TaskBackend } from "@tasks/core";

/** A migrated database a test's binaries and the test process share. */
export interface TestDatabase {
  readonly dialect: "sqlite" | "pg";
  /** Environment for the fixture config (`test/fixtures/tasks.config.ts`). */
  readonly env: Record<string, string>;
  /** A new backend on this database, for the test process. */
  backend(): TaskBackend;
  /** Drops the database (kept when `keep` is true, e.g. after a failure). */
  dispose(keep?: boolean): Promise<void>;
}

/** The Postgres server tests create their databases on. */
export const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Environment for the fixture config pointing at a Postgres URL that is not a test database (closed port, missing database). */
export function postgresEnv(url: string): Record<string, string> {
  return { TASKS_CLI_TEST_DIALECT: "pg", TASKS_CLI_TEST_PG_URL: url };
}

/** Whether a new test database gets the task tables. */
export interface CreateOptions {
  /** Default true; false leaves the database empty (for `tasks migrate` and start-up checks). */
  readonly migrated?: boolean;
}

/** A fresh SQLite file in a temp folder, migrated unless `migrated` is false. */
export async function createSqliteDatabase(options: CreateOptions = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "tasks-cli-"));
  const path = join(dir, "tasks.db");
  new Database(path).close();
  if (options.migrated !== false) await migrateWith(sqliteBackend({ path }));
  return {
    dialect: "sqlite",
    env: { TASKS_CLI_TEST_DIALECT: "sqlite", TASKS_CLI_TEST_SQLITE_PATH: path },
    backend: () => sqliteBackend({ path }),
    async dispose(keep = false) {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the test Postgres server answers. */
export async function postgresReachable(): Promise<boolean> {
  const sql = postgres(ADMIN_URL, { onnotice: () => {}, connect_timeout: 3, max: 1 });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh Postgres database `cli_<random>`, migrated unless `migrated` is false; dropped by `dispose` unless kept. */
export async function createPostgresDatabase(options: CreateOptions = {}): Promise<TestDatabase> {
  const name = `cli_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { onnotice: () => {}, max: 1 });
  await admin`CREATE DATABASE ${admin(name)}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  if (options.migrated !== false) await migrateWith(postgresBackend({ url: url.href }));
  return {
    dialect: "pg",
    env: { TASKS_CLI_TEST_DIALECT: "pg", TASKS_CLI_TEST_PG_URL: url.href },
    backend: () => postgresBackend({ url: url.href }),
    async dispose(keep = false) {
      try {
        if (!keep) await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`;
        else console.warn(`Kept Postgres database ${name} for inspection.`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Applies the bundled migrations through the backend's own `migrate()`, then closes it. (Not
 * through a drizzle instance made here: this package's drizzle-orm may be another peer
 * variant than the backend's, whose types do not match.)
 */
async function migrateWith(backend: TaskBackend): Promise<void> {
  try {
    await backend.migrate!();
  } finally {
    await backend.close?.();
  }
}
