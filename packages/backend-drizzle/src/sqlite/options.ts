/** Options of the SQLite backend: which database to use and how to wait for a locked file. */
import { is } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { InvalidConfigurationError, InvalidTaskError } from "@tasks/core";
import { describe, rejectUnknownOptions, requireExactlyOne, requireNonEmptyString, requireObject, requireOptionsObject } from "../shared/options.js";
import { DEFAULT_BUSY_RETRY, type BusyRetryPolicy } from "./busy.js";
import { clientOf, databaseLocation, openDatabaseFile, type SqliteClient } from "./open.js";
import type { SqliteDb } from "./queries.js";

/** Where the backend stores tasks: exactly one of `db` or `path`. */
export type SqliteBackendOptions = (
  | {
      /** Your Drizzle better-sqlite3 database (on a file). The backend uses it and never closes it. */
      readonly db: BetterSQLite3Database<any>;
    }
  | {
      /**
       * A database file; the backend opens it (WAL, `synchronous=NORMAL`, foreign keys) and closes
       * it. A relative path is resolved against the current directory when the backend is made,
       * and missing folders on the way are created. Its WAL checkpoints run on a worker thread
       * with a second connection (the main connection checkpoints by itself only past 4,000 WAL
       * pages), so commits never wait for them. A file that cannot be opened does not make the
       * factory throw: `verify()` reports it, and every other call (and `db`) throws an error
       * naming the path and the cause, trying to open the file again first.
       */
      readonly path: string;
    }
) & {
  /**
   * How long to keep retrying, asynchronously, an operation that finds the file locked by
   * another connection. Default: up to 30 s, pausing 5 ms at first and at most 100 ms.
   */
  readonly busyRetry?: Partial<BusyRetryPolicy>;
  /**
   * SQLite's own (event-loop blocking) busy timeout on connections the backend opens, in ms.
   * Keep it short; `busyRetry` does the long waiting. Default 20.
   */
  readonly busyTimeoutMs?: number;
};

export type { SqliteClient } from "./open.js";
export { openConnection } from "./open.js";

/** A Drizzle better-sqlite3 database with its connection, as `drizzle({ client })` returns it. */
export type SqliteDatabase = BetterSQLite3Database<any> & { $client: SqliteClient };

/** Which database a backend uses, checked but not necessarily open yet. */
export interface SqliteTarget {
  /** The absolute file path (or `:memory:`); for your own `db`, the name its connection was opened with. */
  readonly location: string;
  /**
   * The open database: your `db` as given, or the file opened now (each call opens it anew;
   * the backend keeps the first that succeeds). Throws `SqliteOpenError` naming the path.
   */
  open(): ResolvedSqlite;
}

/** The resolved database, whether the backend owns it, and the busy settings. */
export interface ResolvedSqlite {
  readonly db: SqliteDatabase;
  readonly client: SqliteClient;
  readonly owned: boolean;
  readonly busyRetry: BusyRetryPolicy;
  readonly busyTimeoutMs: number;
}

const FACTORY = "sqliteBackend";
const EXAMPLE = 'sqliteBackend({ path: "./tasks.db" }) or sqliteBackend({ db })';
const DEFAULT_BUSY_TIMEOUT_MS = 20;

/** Checks `options`; the file a backend is to own is opened by the target's `open()`. */
export function resolveSqliteOptions(options: SqliteBackendOptions): SqliteTarget {
  const raw: unknown = options;
  requireOptionsObject(raw, FACTORY, EXAMPLE);
  rejectUnknownOptions(raw, ["db", "path", "busyRetry", "busyTimeoutMs"], FACTORY);
  const busyRetry = resolveBusyRetry(raw.busyRetry);
  const busyTimeoutMs = wholeMs(raw.busyTimeoutMs, "busyTimeoutMs", DEFAULT_BUSY_TIMEOUT_MS);
  const source = requireExactlyOne(raw, ["db", "path"], FACTORY, EXAMPLE);
  if (source === "db") {
    const db = raw.db as BetterSQLite3Database<any>;
    const client = is(db, BaseSQLiteDatabase) ? clientOf(db) : undefined;
    if (!client) {
      throw new InvalidConfigurationError(
        `${FACTORY}() option "db" must be a Drizzle SQLite database from drizzle-orm/better-sqlite3; got ${describe(db)}.`,
      );
    }
    const resolved: ResolvedSqlite = { db: db as SqliteDatabase, client, owned: false, busyRetry, busyTimeoutMs };
    return { location: client.name, open: () => resolved };
  }
  const location = databaseLocation(requireNonEmptyString(raw.path, "path", FACTORY));
  return {
    location,
    open: () => {
      const client = openDatabaseFile(location, busyTimeoutMs);
      return { db: drizzle({ client }), client, owned: true, busyRetry, busyTimeoutMs };
    },
  };
}

function resolveBusyRetry(value: unknown): BusyRetryPolicy {
  if (value === undefined) return DEFAULT_BUSY_RETRY;
  const given = requireObject(value, "busyRetry", FACTORY);
  for (const key of Object.keys(given)) {
    if (!["maxWaitMs", "initialDelayMs", "maxDelayMs"].includes(key)) {
      throw new InvalidConfigurationError(`${FACTORY}() option "busyRetry" does not know "${key}"; it takes "maxWaitMs", "initialDelayMs" and "maxDelayMs".`);
    }
  }
  return {
    maxWaitMs: wholeMs(given.maxWaitMs, "busyRetry.maxWaitMs", DEFAULT_BUSY_RETRY.maxWaitMs),
    initialDelayMs: Math.max(1, wholeMs(given.initialDelayMs, "busyRetry.initialDelayMs", DEFAULT_BUSY_RETRY.initialDelayMs)),
    maxDelayMs: Math.max(1, wholeMs(given.maxDelayMs, "busyRetry.maxDelayMs", DEFAULT_BUSY_RETRY.maxDelayMs)),
  };
}

function wholeMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new InvalidConfigurationError(`${FACTORY}() option "${name}" must be a whole number of milliseconds ≥ 0; got ${describe(value)}.`);
  }
  return value;
}

/**
 * Checks that `transaction` (from `using({ transaction })`) is a Drizzle SQLite transaction
 * on one of `clients` with a transaction open right now, and returns it to write through.
 */
export function asSqliteTransaction(transaction: unknown, clients: readonly SqliteClient[]): SqliteDb {
  const client = is(transaction, BaseSQLiteDatabase) ? clientOf(transaction) : undefined;
  if (!client) {
    throw new InvalidTaskError(
      `The transaction passed to enqueue on the SQLite backend must be a Drizzle better-sqlite3 transaction (the "tx" in db.transaction((tx) => ...)); got ${describe(transaction)}.`,
    );
  }
  if (!clients.includes(client)) {
    throw new InvalidTaskError(
      "The transaction passed to enqueue on the SQLite backend belongs to another database connection than the backend's. " +
        "Open it on the same Drizzle database you gave sqliteBackend({ db }) (or on backend.db).",
    );
  }
  if (!client.inTransaction) {
    throw new InvalidTaskError(
      "The transaction passed to enqueue on the SQLite backend is no longer open. better-sqlite3 transactions are synchronous: " +
        "call enqueue() inside db.transaction((tx) => { ... }) before any await, or the transaction has already committed.",
    );
  }
  return transaction as SqliteDb;
}
