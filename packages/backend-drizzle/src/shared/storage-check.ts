/**
 * The schema problems `verify()` reports, worded the same for both dialects. `where` names
 * the storage, e.g. `database "app" on Postgres at db:5432` or `the SQLite database "/srv/tasks.db"`.
 */
import type { StorageCheck } from "@tasks/core/backend";

/** A failed {@link StorageCheck}. */
export type StorageProblem = Extract<StorageCheck, { ok: false }>;

/** The check that found nothing wrong. */
export const STORAGE_OK: StorageCheck = Object.freeze({ ok: true });

const RUN_MIGRATE = "run `tasks migrate` (or call migrate() from your code)";

/** Some or all task tables are missing. */
export function schemaMissing(where: string, missing: readonly string[], all: readonly string[]): StorageProblem {
  const what = missing.length === all.length ? "The task tables do not exist" : `The task ${plural(missing.length, "table")} ${missing.join(", ")} ${missing.length === 1 ? "does" : "do"} not exist`;
  return { ok: false, problem: "schema-missing", message: `${what} in ${where}. Create ${missing.length === 1 ? "it" : "them"}: ${RUN_MIGRATE}.` };
}

/** Bundled migrations are not applied yet. */
export function migrationsPending(where: string, pending: readonly string[]): StorageProblem {
  return {
    ok: false,
    problem: "schema-outdated",
    message: `The task tables in ${where} are out of date: ${pending.length} ${plural(pending.length, "migration")} not applied (${pending.join(", ")}). Apply ${pending.length === 1 ? "it" : "them"}: ${RUN_MIGRATE}.`,
  };
}

/**
 * Columns are missing from tables that no bundled migration created (there is no migrations
 * table), so the application's own migrations manage them and must add the columns.
 */
export function columnsMissing(where: string, columns: readonly string[], migrationsTable: string): StorageProblem {
  return {
    ok: false,
    problem: "schema-outdated",
    message:
      `The task tables in ${where} lack the ${plural(columns.length, "column")} ${columns.join(", ")}. They were not created by migrate() (there is no ${migrationsTable} table), ` +
      "so your own migrations manage them: regenerate your migrations from the schema exported by @tasks/backend-drizzle (drizzle-kit generate) and apply them.",
  };
}

/** Expected `table.column` names that `present` (per table) lacks. */
export function missingColumns(expected: ReadonlyMap<string, readonly string[]>, present: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const missing: string[] = [];
  for (const [table, columns] of expected) {
    const found = present.get(table);
    for (const column of columns) if (!found?.has(column)) missing.push(`${table}.${column}`);
  }
  return missing;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
