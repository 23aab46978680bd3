/**
 * A copy of a dialect's bundled migrations folder holding only its first migrations, to
 * bring a database to an older schema version and test what is still pending.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Journal {
  entries: { tag: string }[];
}

/** The migration names of `folder`, oldest first, from its journal. */
export function migrationNames(folder: string): string[] {
  return (JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal).entries.map((entry) => entry.tag);
}

/** A temporary folder with the first `count` migrations of `folder` (a drizzle-kit output folder). */
export function firstMigrations(folder: string, count: number): string {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal;
  const copy = mkdtempSync(join(tmpdir(), "tasks-migrations-"));
  mkdirSync(join(copy, "meta"));
  const entries = journal.entries.slice(0, count);
  for (const entry of entries) copyFileSync(join(folder, `${entry.tag}.sql`), join(copy, `${entry.tag}.sql`));
  writeFileSync(join(copy, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  return copy;
}
