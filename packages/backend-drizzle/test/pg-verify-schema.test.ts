/**
 * PostgresBackend.verify(), pendingMigrations() and migrate() against the schema state:
 * missing tables, some migrations pending, tables managed by the application's own migrations.
 */
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { migrate, PostgresBackend, pgMigrationsFolder } from "../src/pg/index.js";
import { useEmptyDatabases } from "./helpers/empty-databases.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { ADMIN_URL, databaseUrl, postgresAvailable } from "./helpers/pg.js";

const available = await postgresAvailable();
const ALL = migrationNames(pgMigrationsFolder);
const admin = new URL(ADMIN_URL);
const ADDRESS = `${admin.hostname}:${admin.port || "5432"}`;

describe.skipIf(!available)("PostgresBackend schema checks", () => {
  const databases = useEmptyDatabases("tasks_pg_schema");

  async function withBackend<T>(name: string, work: (backend: PostgresBackend) => Promise<T>): Promise<T> {
    const backend = new PostgresBackend({ url: databaseUrl(name), listen: false });
    try {
      return await work(backend);
    } finally {
      await backend.close();
    }
  }

  it("reports missing tables, lists every migration as pending, and migrate() creates them once", async () => {
    const name = await databases.create();
    await withBackend(name, async (backend) => {
      expect(await backend.verify()).toEqual({
        ok: false,
        problem: "schema-missing",
        message: `The task tables do not exist in database "${name}" on Postgres at ${ADDRESS}. Create them: run \`tasks migrate\` (or call migrate() from your code).`,
      });
      expect(await backend.pendingMigrations()).toEqual(ALL);
      expect(await backend.migrate()).toEqual(ALL);
      expect(await backend.verify()).toEqual({ ok: true });
      expect(await backend.pendingMigrations()).toEqual([]);
      expect(await backend.migrate()).toEqual([]);
    });
  });

  it("names the migrations not yet applied, and migrate() applies exactly those", async () => {
    const name = await databases.create();
    const client = postgres(databaseUrl(name), { max: 1, onnotice: () => {} });
    try {
      await drizzleMigrate(drizzle({ client }), { migrationsFolder: firstMigrations(pgMigrationsFolder, 1), migrationsTable: "tasks_migrations" });
    } finally {
      await client.end({ timeout: 1 });
    }
    const pending = ALL.slice(1);
    await withBackend(name, async (backend) => {
      expect(await backend.pendingMigrations()).toEqual(pending);
      expect(await backend.verify()).toEqual({
        ok: false,
        problem: "schema-outdated",
        message:
          `The task tables in database "${name}" on Postgres at ${ADDRESS} are out of date: ${pending.length} migrations not applied (${pending.join(", ")}). ` +
          "Apply them: run `tasks migrate` (or call migrate() from your code).",
      });
      expect(await backend.migrate()).toEqual(pending);
      expect(await backend.verify()).toEqual({ ok: true });
    });
  });

  it("checks the columns of tables that the application's own migrations manage, and migrate() refuses to run over them", async () => {
    const name = await databases.create();
    const client = postgres(databaseUrl(name), { max: 1, onnotice: () => {} });
    try {
      // Applied under another bookkeeping table, as an application with its own setup would.
      await migrate(drizzle({ client }), { migrationsTable: "app_migrations", migrationsSchema: "public" });
    } finally {
      await client.end({ timeout: 1 });
    }
    await withBackend(name, async (backend) => {
      expect(await backend.verify()).toEqual({ ok: true });
      await expect(backend.migrate()).rejects.toThrow(
        `The task tables already exist in database "${name}", but drizzle.tasks_migrations does not record applying them, so migrate() would fail on the first CREATE TABLE.`,
      );
      await backend.db.execute(sql`ALTER TABLE tasks_workers DROP COLUMN expires_at`);
      const check = await backend.verify();
      expect(check).toMatchObject({ ok: false, problem: "schema-outdated" });
      expect(check.ok ? "" : check.message).toMatch(
        new RegExp(`^The task tables in database "${name}" on Postgres at .+ lack the column tasks_workers\\.expires_at\\. They were not created by migrate\\(\\) \\(there is no drizzle\\.tasks_migrations table\\)`),
      );
    });
  });

  it("tells an application whose own migrations predate schedules to add tasks_schedules, then the scheduled_for columns", async () => {
    const name = await databases.create();
    const client = postgres(databaseUrl(name), { max: 1, onnotice: () => {} });
    try {
      await drizzleMigrate(drizzle({ client }), { migrationsFolder: firstMigrations(pgMigrationsFolder, ALL.indexOf("0006_schedules")), migrationsTable: "app_migrations" });
    } finally {
      await client.end({ timeout: 1 });
    }
    await withBackend(name, async (backend) => {
      expect(await backend.verify()).toMatchObject({
        ok: false,
        problem: "schema-missing",
        message: `The task table tasks_schedules does not exist in database "${name}" on Postgres at ${ADDRESS}. Create it: run \`tasks migrate\` (or call migrate() from your code).`,
      });
      await backend.db.execute(sql`CREATE TABLE tasks_schedules (backend text, name text, settled_through timestamptz, last_enqueued_for timestamptz, last_task_id uuid, updated_at timestamptz)`);
      const check = await backend.verify();
      expect(check).toMatchObject({ ok: false, problem: "schema-outdated" });
      expect(check.ok ? "" : check.message).toMatch(new RegExp(`^The task tables in database "${name}" on Postgres at .+ lack the columns tasks_queue\\.scheduled_for, tasks_queue\\.trace_context, tasks_results\\.scheduled_for, tasks_results\\.trace_context\\. `));
    });
  });

  it("tells an application whose own migrations predate trace contexts to add the trace_context columns", async () => {
    const name = await databases.create();
    const client = postgres(databaseUrl(name), { max: 1, onnotice: () => {} });
    try {
      await drizzleMigrate(drizzle({ client }), { migrationsFolder: firstMigrations(pgMigrationsFolder, ALL.indexOf("0007_trace_context")), migrationsTable: "app_migrations" });
    } finally {
      await client.end({ timeout: 1 });
    }
    await withBackend(name, async (backend) => {
      const check = await backend.verify();
      expect(check).toMatchObject({ ok: false, problem: "schema-outdated" });
      expect(check.ok ? "" : check.message).toMatch(new RegExp(`^The task tables in database "${name}" on Postgres at .+ lack the columns tasks_queue\\.trace_context, tasks_results\\.trace_context\\. `));
      await backend.db.execute(sql`ALTER TABLE tasks_queue ADD COLUMN trace_context jsonb`);
      await backend.db.execute(sql`ALTER TABLE tasks_results ADD COLUMN trace_context jsonb`);
      expect(await backend.verify()).toEqual({ ok: true });
    });
  });

  it("names the one missing table", async () => {
    const name = await databases.create();
    await withBackend(name, async (backend) => {
      await backend.migrate();
      await backend.db.execute(sql`DROP TABLE tasks_workers`);
      expect(await backend.verify()).toMatchObject({
        ok: false,
        problem: "schema-missing",
        message: `The task table tasks_workers does not exist in database "${name}" on Postgres at ${ADDRESS}. Create it: run \`tasks migrate\` (or call migrate() from your code).`,
      });
    });
  });
});
