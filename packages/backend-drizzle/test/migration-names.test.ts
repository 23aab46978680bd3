/**
 * Both dialects ship the same migration names in the same order, so a user moving between
 * SQLite and Postgres, or reading `pending`, sees one schema history. A change that one dialect
 * does not need still gets a migration of that name there (see pg 0004).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pgMigrationsFolder } from "../src/pg/migrate.js";
import { sqliteMigrationsFolder } from "../src/sqlite/migrate.js";
import { migrationNames } from "./helpers/partial-migrations.js";

describe("bundled migrations", () => {
  it("have the same names in the same order in both dialects, each with its SQL file", () => {
    const pg = migrationNames(pgMigrationsFolder);
    const sqlite = migrationNames(sqliteMigrationsFolder);
    expect(pg.length).toBeGreaterThan(4);
    expect(sqlite).toEqual(pg);
    for (const tag of pg) {
      expect(existsSync(join(pgMigrationsFolder, `${tag}.sql`))).toBe(true);
      expect(existsSync(join(sqliteMigrationsFolder, `${tag}.sql`))).toBe(true);
    }
  });
});
