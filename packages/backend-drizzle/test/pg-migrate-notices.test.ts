/**
 * migrate() on an up-to-date database runs no DDL, so an application's postgres.js client
 * (whose default onnotice prints every notice) sees no "already exists, skipping" notices.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { migrate, PostgresBackend, pgMigrationsFolder } from "../src/pg/index.js";
import { useEmptyDatabases } from "./helpers/empty-databases.js";
import { migrationNames } from "./helpers/partial-migrations.js";
import { databaseUrl, postgresAvailable } from "./helpers/pg.js";

const available = await postgresAvailable();

describe.skipIf(!available)("Postgres migrate() when up to date", () => {
  const databases = useEmptyDatabases("tasks_pg_notices");

  it("sends no notices to the application's client, from migrate(db) or from the backend", async () => {
    const name = await databases.create();
    const notices: postgres.Notice[] = [];
    const client = postgres(databaseUrl(name), { max: 2, onnotice: (notice) => notices.push(notice) });
    try {
      const db = drizzle({ client });
      expect(await migrate(db)).toEqual(migrationNames(pgMigrationsFolder));
      notices.length = 0;
      expect(await migrate(db)).toEqual([]);
      const backend = new PostgresBackend({ db, listen: false });
      expect(await backend.migrate()).toEqual([]);
      expect(await backend.pendingMigrations()).toEqual([]);
      expect(await backend.verify()).toEqual({ ok: true });
      await backend.close();
      expect(notices.map((notice) => `${String(notice.code)} ${String(notice.message)}`)).toEqual([]);
    } finally {
      await client.end({ timeout: 1 });
    }
  });
});
