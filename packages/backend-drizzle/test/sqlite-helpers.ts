/** Test helpers for the SQLite backend: database files in a temporary directory, deleted after. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { afterEach, beforeEach } from "vitest";
import { migrate, sqliteBackend, type SqliteBackend } from "../src/sqlite/index.js";

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

/**
 * For a test file: a fresh temporary directory per test (`dir()`), and `open(path)` for
 * `sqliteBackend({ path })` instances that are closed after each test.
 */
export function useSqliteFiles(): { dir: () => TempDir; open: (path: string) => SqliteBackend } {
  let current: TempDir | null = null;
  const backends: SqliteBackend[] = [];
  beforeEach(() => {
    current = tempDir();
  });
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()));
    current?.remove();
  });
  return {
    dir: () => {
      if (!current) throw new Error("useSqliteFiles(): dir() is only available inside a test.");
      return current;
    },
    open: (path) => {
      const backend = sqliteBackend({ path });
      backends.push(backend);
      return backend;
    },
  };
}
