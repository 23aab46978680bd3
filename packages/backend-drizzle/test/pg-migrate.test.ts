/**
 * migrate() keeps its own bookkeeping table, so an application's drizzle migrations recorded
 * in drizzle's default table (even newer ones) never make it skip the task tables.
 */
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { migrate, PG_MIGRATIONS_TABLE } from "../src/pg/index.js";
import { ADMIN_URL, databaseUrl, postgresAvailable } from "./helpers/pg.js";

const available = await postgresAvailable();

describe.skipIf(!available)("Postgres migrate()", () => {
  it("applies the task tables even when the app's own drizzle migrations are newer, and is idempotent", async () => {
    const name = `tasks_pg_migrate_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin`CREATE DATABASE ${admin(name)}`;
    const client = postgres(databaseUrl(name), { max: 2, onnotice: () => {} });
    let failed = true;
    try {
      const db = drizzle({ client });
      // The application's own drizzle migrations, recorded far in the future.
      await db.execute(sql`CREATE SCHEMA drizzle`);
      await db.execute(sql`CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
      await db.execute(sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('app', 4102444800000)`);
      await migrate(db);
      await migrate(db);
      const [tables] = await client<{ count: string }[]>`SELECT count(*) FROM information_schema.tables WHERE table_name IN ('tasks_queue', 'tasks_results', 'tasks_workers', 'tasks_schedules')`;
      expect(Number(tables?.count)).toBe(4);
      const [recorded] = await client<{ count: string }[]>`SELECT count(*) FROM drizzle.${client(PG_MIGRATIONS_TABLE)}`;
      expect(Number(recorded?.count)).toBeGreaterThanOrEqual(1);
      const [appRows] = await client<{ count: string }[]>`SELECT count(*) FROM drizzle.__drizzle_migrations`;
      expect(Number(appRows?.count)).toBe(1);
      failed = false;
    } finally {
      await client.end({ timeout: 1 });
      if (!failed) await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`;
      await admin.end({ timeout: 1 });
    }
  });
});
