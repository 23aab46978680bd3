/**
 * The real databases the browser tests serve the dashboard on: a SQLite file in a temporary
 * folder, or a Postgres database of this test file's own on the shared server (created,
 * migrated, and dropped afterwards unless a test failed). A Postgres server that cannot be
 * reached fails the test: these tests are the only browser check of the Postgres pages.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TaskBackend } from "@tasks/core";
import { postgresBackend } from "@tasks/backend-drizzle/pg";
import { sqliteBackend } from "@tasks/backend-drizzle/sqlite";

/** The database kinds the browser tests run on. */
export type DatabaseKind = "sqlite" | "pg";

/** The admin connection: `DATABASE_URL`, or the local test server. */
export const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A migrated database and the backend the test process uses on it. */
export interface BrowserTestDatabase {
  readonly kind: DatabaseKind;
  readonly backend: TaskBackend;
  /** Where it lives, for messages (no password). */
  readonly where: string;
  /** Closes the backend, then removes the database unless `keep`. */
  dispose(keep: boolean): Promise<void>;
}

/** Creates a migrated database of `kind`. */
export function createDatabase(kind: DatabaseKind): Promise<BrowserTestDatabase> {
  return kind === "sqlite" ? createSqliteDatabase() : createPostgresDatabase();
}

async function createSqliteDatabase(): Promise<BrowserTestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "tasks-dashboard-browser-"));
  const path = join(dir, "tasks.sqlite");
  const backend = sqliteBackend({ path });
  await backend.migrate!();
  return {
    kind: "sqlite",
    backend,
    where: path,
    async dispose(keep) {
      await backend.close?.();
      if (keep) console.warn(`Keeping the SQLite database ${path} because a test failed.`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresDatabase(): Promise<BrowserTestDatabase> {
  const name = `tasks_dash_browser_${randomBytes(5).toString("hex")}`;
  await withAdmin(async (admin) => {
    await admin`CREATE DATABASE ${admin(name)}`;
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const backend = postgresBackend({ url: url.toString() });
  await backend.migrate!();
  return {
    kind: "pg",
    backend,
    where: `database ${name}`,
    async dispose(keep) {
      await backend.close?.();
      if (keep) {
        console.warn(`Keeping the Postgres database ${name} because a test failed.`);
        return;
      }
      await withAdmin(async (admin) => {
        await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`;
      });
    },
  };
}

async function withAdmin(work: (admin: postgres.Sql) => Promise<void>): Promise<void> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await work(admin);
  } catch (error) {
    throw new Error(`Postgres at ${redacted(ADMIN_URL)} failed (the browser tests need it; set DATABASE_URL): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await admin.end({ timeout: 1 });
  }
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
