/**
 * The connection atomic tasks run on. An atomic task's transaction stays open across the
 * task's awaits, so it cannot live on the backend's main connection: every other write of
 * the process on that connection would silently join it (and roll back with it). It gets a
 * second connection to the same file instead, opened on first use.
 */
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { TasksError } from "@tasks/core/backend";
import type { ResolvedSqlite, SqliteClient } from "./options.js";
import { openConnection } from "./options.js";
import Database from "better-sqlite3";

/** A second connection to the backend's database file, for atomic transactions. */
export interface AtomicConnection {
  readonly client: SqliteClient;
  readonly db: BetterSQLite3Database<any>;
}

/** Opens the atomic-task connection on the same file as `resolved`, with matching settings. */
export function openAtomicConnection(resolved: ResolvedSqlite): AtomicConnection {
  const main = resolved.client;
  if (main.memory || main.name === "" || main.name === ":memory:") {
    throw new TasksError(
      "Atomic tasks on SQLite need a database file: they run on a second connection to it, which an in-memory database cannot have. Use sqliteBackend({ path }) or a file-backed db.",
    );
  }
  let client: SqliteClient;
  if (resolved.owned) {
    client = openConnection(main.name, resolved.busyTimeoutMs);
  } else {
    // The application's file keeps its own journal mode; only our connection's settings are ours.
    client = new Database(main.name);
    client.pragma(`busy_timeout = ${resolved.busyTimeoutMs}`);
  }
  client.pragma(`foreign_keys = ${main.pragma("foreign_keys", { simple: true }) ? "ON" : "OFF"}`);
  const schema = (resolved.db as { _?: { fullSchema?: Record<string, unknown> } })._?.fullSchema;
  return { client, db: drizzle({ client, ...(schema ? { schema } : {}) }) };
}
