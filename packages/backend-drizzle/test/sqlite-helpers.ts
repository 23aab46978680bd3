/** Test helpers for the SQLite backend: database files in a temporary directory, deleted after. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "../src/sqlite/index.js";

/** A temporary directory for database files; `remove()` deletes it and everything in it. */
export interface TempDir {
  readonly path: string;
  /** A path for a new database file inside the directory. */
  file(name?: string): string;
  remove(): void;
}

let fileCounter = 0;

/** Creates a temporary directory for SQLite files. */
export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), "tasks-sqlite-"));
  return {
    path,
    file: (name) => join(path, name ?? `db-${++fileCounter}.sqlite`),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Opens `file` the way an application would (WAL, short busy timeout) with Drizzle on top. */
export function openDb(file: string): { client: Database.Database; db: BetterSQLite3Database } {
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  client.pragma("busy_timeout = 20");
  return { client, db: drizzle({ client }) };
}

/** A new migrated database file; returns its path. */
export async function migratedFile(dir: TempDir, name?: string): Promise<string> {
  const file = dir.file(name);
  const { client, db } = openDb(file);
  try {
    await migrate(db);
  } finally {
    client.close();
  }
  return file;
}
