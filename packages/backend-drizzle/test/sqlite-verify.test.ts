/**
 * SqliteBackend.verify(), pendingMigrations() and migrate() on real files: missing tables,
 * some migrations pending, tables managed by the application's own migrations, and files
 * that cannot be opened.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { migrate, SqliteBackend, sqliteMigrationsFolder } from "../src/sqlite/index.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { openDb, useSqliteFiles } from "./sqlite-helpers.js";

const ALL = migrationNames(sqliteMigrationsFolder);
const RUN_MIGRATE = "run `tasks migrate` (or call migrate() from your code).";

const files = useSqliteFiles();
const open = files.open;

describe("SqliteBackend schema checks", () => {
  it("reports missing tables, lists every migration as pending, and migrate() creates them once", async () => {
    const file = files.dir().file("fresh.db");
    const backend = open(file);
    expect(await backend.verify()).toEqual({
      ok: false,
      problem: "schema-missing",
      message: `The task tables do not exist in the SQLite database "${file}". Create them: ${RUN_MIGRATE}`,
    });
    expect(await backend.pendingMigrations()).toEqual(ALL);
    expect(await backend.migrate()).toEqual(ALL);
    expect(await backend.verify()).toEqual({ ok: true });
    expect(await backend.pendingMigrations()).toEqual([]);
    expect(await backend.migrate()).toEqual([]);
  });

  it("names the migrations not yet applied, and migrate() applies exactly those", async () => {
    const file = files.dir().file("old.db");
    const { client, db } = openDb(file);
    drizzleMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, 1), migrationsTable: "tasks_migrations" });
    client.close();
    const pending = ALL.slice(1);
    const backend = open(file);
    expect(await backend.pendingMigrations()).toEqual(pending);
    expect(await backend.verify()).toEqual({
      ok: false,
      problem: "schema-outdated",
      message: `The task tables in the SQLite database "${file}" are out of date: ${pending.length} migrations not applied (${pending.join(", ")}). Apply them: ${RUN_MIGRATE}`,
    });
    expect(await backend.migrate()).toEqual(pending);
    expect(await backend.verify()).toEqual({ ok: true });
  });

  it("checks the columns of tables that the application's own migrations manage, and migrate() refuses to run over them", async () => {
    const file = files.dir().file("app.db");
    const { client, db } = openDb(file);
    await migrate(db, { migrationsTable: "app_migrations" });
    client.close();
    const backend = open(file);
    expect(await backend.verify()).toEqual({ ok: true });
    await expect(backend.migrate()).rejects.toThrow(
      "The task tables already exist in this SQLite database, but no tasks_migrations table records applying them, so migrate() would fail on the first CREATE TABLE.",
    );
    backend.db.$client.exec("ALTER TABLE tasks_workers DROP COLUMN expires_at");
    const check = await backend.verify();
    expect(check).toMatchObject({ ok: false, problem: "schema-outdated" });
    expect(check.ok ? "" : check.message).toContain(
      `The task tables in the SQLite database "${file}" lack the column tasks_workers.expires_at. They were not created by migrate() (there is no tasks_migrations table)`,
    );
  });

  it("tells an application whose own migrations predate schedules to add tasks_schedules, then the scheduled_for columns", async () => {
    const file = files.dir().file("app-0005.db");
    const { client, db } = openDb(file);
    drizzleMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, ALL.indexOf("0006_schedules")), migrationsTable: "app_migrations" });
    client.close();
    const backend = open(file);
    expect(await backend.verify()).toEqual({ ok: false, problem: "schema-missing", message: `The task table tasks_schedules does not exist in the SQLite database "${file}". Create it: ${RUN_MIGRATE}` });
    backend.db.$client.exec("CREATE TABLE tasks_schedules (backend text, name text, settled_through integer, last_enqueued_for integer, last_task_id text, updated_at integer)");
    const check = await backend.verify();
    expect(check).toMatchObject({ ok: false, problem: "schema-outdated" });
    expect(check.ok ? "" : check.message).toContain(`The task tables in the SQLite database "${file}" lack the columns tasks_queue.scheduled_for, tasks_queue.trace_context, tasks_results.scheduled_for, tasks_results.trace_context. `);
  });

  it("tells an application whose own migrations predate trace contexts to add the trace_context columns", async () => {
    const file = files.dir().file("app-0006.db");
    const { client, db } = openDb(file);
    drizzleMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, ALL.indexOf("0007_trace_context")), migrationsTable: "app_migrations" });
    client.close();
    const backend = open(file);
    const check = await backend.verify();
    expect(check).toMatchObject({ ok: false, problem: "schema-outdated" });
    expect(check.ok ? "" : check.message).toContain(`The task tables in the SQLite database "${file}" lack the columns tasks_queue.trace_context, tasks_results.trace_context. `);
    backend.db.$client.exec("ALTER TABLE tasks_queue ADD trace_context text; ALTER TABLE tasks_results ADD trace_context text");
    expect(await backend.verify()).toEqual({ ok: true });
  });

  it("works on your own in-memory database", async () => {
    const { drizzle } = await import("drizzle-orm/better-sqlite3");
    const Database = (await import("better-sqlite3")).default;
    const client = new Database(":memory:");
    const backend = new SqliteBackend({ db: drizzle({ client }) });
    expect(await backend.verify()).toMatchObject({ ok: false, problem: "schema-missing", message: `The task tables do not exist in the in-memory SQLite database. Create them: ${RUN_MIGRATE}` });
    expect(await backend.migrate()).toEqual(ALL);
    expect(await backend.verify()).toEqual({ ok: true });
    await backend.close();
    client.close();
  });
});

describe("SqliteBackend.verify() on a file that cannot be opened", () => {
  it("reports a path below a file as no-database, naming the path and the cause", async () => {
    writeFileSync(join(files.dir().path, "not-a-folder"), "x");
    const file = join(files.dir().path, "not-a-folder", "sub", "tasks.db");
    const backend = open(file);
    expect(await backend.verify()).toEqual({
      ok: false,
      problem: "no-database",
      message: `Cannot open the SQLite database file "${file}": part of its folder path "${join(files.dir().path, "not-a-folder", "sub")}" is a file, not a folder (ENOTDIR). Fix the path given to sqliteBackend({ path }).`,
    });
  });

  it("reports a folder given as the file", async () => {
    const folder = join(files.dir().path, "a-folder");
    mkdirSync(folder);
    const check = await open(folder).verify();
    expect(check).toMatchObject({ ok: false, problem: "no-database" });
    expect(check.ok ? "" : check.message).toMatch(new RegExp(`^Cannot open the SQLite database file "${escape(folder)}": SQLite cannot open it \\(SQLITE_CANTOPEN\\); the path may be a folder`));
  });

  it("reports a file that is not a SQLite database", async () => {
    const file = join(files.dir().path, "notes.txt");
    writeFileSync(file, "These are notes, not a database. ".repeat(40));
    expect(await open(file).verify()).toEqual({
      ok: false,
      problem: "no-database",
      message: `Cannot open the SQLite database file "${file}": the file exists but is not a SQLite database (SQLITE_NOTADB). Point the path at the task database, or move that file away.`,
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
