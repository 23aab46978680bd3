/**
 * Opening the database file a SQLite backend owns: the path is made absolute, its folder is
 * created, and any failure becomes one error that names the path, the cause and the fix.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { TasksError } from "@tasks/core/backend";
import { storageErrorCodes } from "../shared/errors.js";

/** A better-sqlite3 connection. */
export type SqliteClient = Database.Database;

/** While opening, setting WAL may wait for another process's lock: block for this long at most. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;

/** The database file at `location` could not be opened (or its folder created). */
export class SqliteOpenError extends TasksError {
  /** The absolute path that was tried. */
  readonly location: string;

  constructor(location: string, cause: string, fix: string, error: unknown) {
    super(`Cannot open the SQLite database file "${location}": ${cause}. ${fix}`, { cause: error });
    this.location = location;
  }
}

/** Whether `path` names an in-memory database rather than a file. */
export function isInMemory(path: string): boolean {
  return path === "" || path === ":memory:";
}

/** `path` made absolute (against the current directory now, so later `chdir` calls do not move it). */
export function databaseLocation(path: string): string {
  return isInMemory(path) ? path : resolve(path);
}

/**
 * Creates the folder of `location` (recursively) and opens it with {@link openConnection}.
 * Throws {@link SqliteOpenError} on any failure.
 */
export function openDatabaseFile(location: string, busyTimeoutMs: number): SqliteClient {
  if (!isInMemory(location)) {
    const folder = dirname(location);
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      const code = storageErrorCodes(error)[0] ?? "unknown error";
      const blocked = code === "ENOTDIR" || code === "EEXIST";
      throw new SqliteOpenError(
        location,
        blocked ? `part of its folder path "${folder}" is a file, not a folder (${code})` : `its folder "${folder}" could not be created (${code})`,
        blocked ? "Fix the path given to sqliteBackend({ path })." : "Create the folder yourself, or give sqliteBackend({ path }) a place this process may write to.",
        error,
      );
    }
  }
  try {
    return openConnection(location, busyTimeoutMs);
  } catch (error) {
    const [cause, fix] = openFailure(error);
    throw new SqliteOpenError(location, cause, fix, error);
  }
}

/**
 * Opens `path` with the settings the backend relies on: WAL (readers never wait for the
 * writer), `synchronous=NORMAL` (safe in WAL), foreign keys, and a short busy timeout.
 */
export function openConnection(path: string, busyTimeoutMs: number): SqliteClient {
  const client = new Database(path);
  try {
    client.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    client.pragma("journal_mode = WAL");
    client.pragma("synchronous = NORMAL");
    client.pragma("foreign_keys = ON");
    client.pragma(`busy_timeout = ${busyTimeoutMs}`);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

const CHECK_PATH = "Check the path given to sqliteBackend({ path }), and that this process may read and write the file and its folder.";

/** The cause (a clause) and the fix (a sentence) for a failed open, by SQLite result code. */
function openFailure(error: unknown): [string, string] {
  const code = storageErrorCodes(error).find((candidate) => candidate.startsWith("SQLITE_"));
  if (code === "SQLITE_NOTADB") return ["the file exists but is not a SQLite database (SQLITE_NOTADB)", "Point the path at the task database, or move that file away."];
  if (code?.startsWith("SQLITE_CANTOPEN")) return [`SQLite cannot open it (${code}); the path may be a folder, or the file may not be readable and writable`, CHECK_PATH];
  if (code?.startsWith("SQLITE_BUSY") || code?.startsWith("SQLITE_LOCKED")) {
    return [`another connection kept it locked for more than ${OPEN_BUSY_TIMEOUT_MS / 1000} seconds while it was being switched to WAL (${code})`, "Try again, or stop the process that holds the lock."];
  }
  if (code?.startsWith("SQLITE_READONLY") || code === "SQLITE_PERM" || code === "SQLITE_AUTH") {
    return [`this process may not write it (${code})`, CHECK_PATH];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [code === undefined ? message : `${code}: ${message}`, CHECK_PATH];
}

/** The better-sqlite3 connection under a Drizzle SQLite database or transaction, if any. */
export function clientOf(db: unknown): SqliteClient | undefined {
  const client = (db as { session?: { client?: unknown } } | null)?.session?.client as Partial<SqliteClient> | undefined;
  return typeof client?.prepare === "function" && typeof client.inTransaction === "boolean" ? (client as SqliteClient) : undefined;
}
