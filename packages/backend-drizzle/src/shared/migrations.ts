/**
 * The bundled migrations of a dialect folder, by name, and which of them a migrations table
 * still lacks. Both dialects record applied migrations the way drizzle's migrator does: one
 * row per migration with `created_at` set to the journal's `when`, and drizzle applies every
 * migration newer than the newest recorded one. "Pending" here means exactly that set.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";

/** One bundled migration: its file name without `.sql`, and the time drizzle records for it. */
export interface BundledMigration {
  readonly name: string;
  readonly createdAt: number;
}

interface Journal {
  readonly entries: readonly { readonly tag: string; readonly when: number }[];
}

const cache = new Map<string, readonly BundledMigration[]>();

/** The migrations in `folder` (a drizzle-kit output folder), oldest first. Read once per folder. */
export function bundledMigrations(folder: string): readonly BundledMigration[] {
  const cached = cache.get(folder);
  if (cached) return cached;
  // readMigrationFiles checks that every journal entry has its .sql file; the journal gives the names.
  const files = readMigrationFiles({ migrationsFolder: folder });
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal;
  const migrations = files.map((file, index) => ({ name: journal.entries[index]?.tag ?? `#${index}`, createdAt: file.folderMillis }));
  cache.set(folder, migrations);
  return migrations;
}

/**
 * Names of the migrations in `folder` that drizzle's migrator would apply, given the newest
 * `created_at` recorded (`null` when nothing is recorded or the table does not exist).
 */
export function pendingAfter(folder: string, latestApplied: number | null): string[] {
  return bundledMigrations(folder)
    .filter((migration) => latestApplied === null || migration.createdAt > latestApplied)
    .map((migration) => migration.name);
}

/** A `max(created_at)` value as a driver returns it (bigint as text on Postgres, a number on SQLite). */
export function toLatestApplied(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const latest = Number(value);
  return Number.isFinite(latest) ? latest : null;
}
