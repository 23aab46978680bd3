/** Options of the Postgres backend: which database to use, and whether to listen for wake-ups. */
import { is } from "drizzle-orm";
import { PgDatabase } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { InvalidConfigurationError, InvalidTaskError } from "@tasks/core";
import { describe, optionalBoolean, optionalMilliseconds, rejectUnknownOptions, requireExactlyOne, requireNonEmptyString, requireObject, requireOptionsObject } from "../shared/options.js";
import type { PgDb } from "./queries.js";
import type { ListenSource } from "./wakeup.js";

/** Where the backend stores tasks: exactly one of `db`, `url` or `connection`. */
export type PostgresBackendOptions = (
  | {
      /** Your Drizzle postgres.js database. The backend uses it and never closes it. */
      readonly db: PostgresJsDatabase<any>;
    }
  | {
      /** A connection URL; the backend opens (and on `close()` ends) its own pool. */
      readonly url: string;
    }
  | {
      /** postgres.js options (host, database, max, …); the backend opens and ends its own pool. */
      readonly connection: postgres.Options<Record<string, postgres.PostgresType>>;
    }
) & {
  /** LISTEN for enqueue notifications so idle workers wake at once. Default true. */
  readonly listen?: boolean;
  /**
   * How often a quiet LISTEN connection is checked (by notifying it and waiting for the echo):
   * one that no longer hears notifications is subscribed again. From 100 ms to 1 hour.
   * Default 10,000 ms.
   */
  readonly listenCheckMs?: number;
  /**
   * A URL for the LISTEN connection only, when the others go through a connection pooler in
   * transaction mode (where LISTEN cannot work): a direct connection to Postgres. The backend
   * opens it (with the pool's settings, one connection) and ends it on `close()`.
   */
  readonly listenUrl?: string;
  /**
   * Connections kept apart for atomic tasks' transactions, one per transaction: at most this
   * many atomic tasks run their transactions at once in a process (the others wait for a free
   * connection before they start), and none of them holds a connection of the pool that claims,
   * renews leases and writes results. From 1 to 1,000. Default: the pool's `max` (postgres.js
   * default 10).
   */
  readonly atomicConnections?: number;
};

/** The resolved database and whether the backend owns its pool. */
export interface ResolvedPostgres {
  readonly db: PostgresJsDatabase<any>;
  /** The postgres.js client, used for LISTEN; null when `db` has none. */
  readonly client: postgres.Sql | null;
  readonly owned: boolean;
  readonly listenCheckMs: number;
  /** Where LISTEN runs; null when `listen` is off or `db` has no postgres.js client. */
  readonly listenSource: ListenSource | null;
  /** `atomicConnections` as given; null means the pool's `max`. */
  readonly atomicConnections: number | null;
}

const FACTORY = "postgresBackend";

// fetch_types off: the backend sends and reads no Postgres arrays (array parameters go as
// text literals), and postgres.js runs that type query on every new connection from an event
// handler that nobody awaits, so a connection terminated during it (pg_terminate_backend, a
// restart) raises an unhandled rejection that no caller can catch. Pass fetch_types: true in
// `connection` to get it back.
const SETTINGS = { onnotice: () => {}, fetch_types: false, backoff: reconnectDelaySeconds } as const;

/** The options of `connection` that are not about where to connect (kept for a LISTEN URL). */
function connectionSettings(connection: Record<string, unknown>): Record<string, unknown> {
  const { host: _host, port: _port, path: _path, database: _database, db: _db, user: _user, username: _username, pass: _pass, password: _password, hostname: _hostname, ...rest } = connection;
  return rest;
}
const EXAMPLE = 'postgresBackend({ url: "postgres://user@host/db" }) or postgresBackend({ db })';

/** Checks `options` and opens a pool when the backend is to own one. */
export function resolvePostgresOptions(options: PostgresBackendOptions): ResolvedPostgres {
  const raw: unknown = options;
  requireOptionsObject(raw, FACTORY, EXAMPLE);
  rejectUnknownOptions(raw, ["db", "url", "connection", "listen", "listenCheckMs", "listenUrl", "atomicConnections"], FACTORY);
  const listenUrl = raw.listenUrl === undefined ? null : requirePostgresUrl(requireNonEmptyString(raw.listenUrl, "listenUrl", FACTORY), "listenUrl");
  const atomicConnections = optionalCount(raw.atomicConnections, "atomicConnections", 1, 1_000);
  const listen = optionalBoolean(raw.listen, "listen", true, FACTORY);
  const listenCheckMs = optionalMilliseconds(raw.listenCheckMs, "listenCheckMs", { fallback: 10_000, min: 100, max: 3_600_000 }, FACTORY);
  const source = requireExactlyOne(raw, ["db", "url", "connection"], FACTORY, EXAMPLE);
  if (source === "db") {
    const db = raw.db as PostgresJsDatabase<any>;
    if (!is(db, PgDatabase)) {
      throw new InvalidConfigurationError(
        `${FACTORY}() option "db" must be a Drizzle Postgres database from drizzle-orm/postgres-js; got ${describe(db)}.`,
      );
    }
    const candidate = (db as { $client?: unknown }).$client;
    const client = typeof (candidate as postgres.Sql | undefined)?.listen === "function" ? (candidate as postgres.Sql) : null;
    const direct = listenUrl === null ? null : { open: () => postgres(listenUrl, { ...SETTINGS, max: 1 }) };
    return { db, client, owned: false, listenCheckMs, listenSource: listen && client ? (direct ?? { shared: client }) : null, atomicConnections };
  }
  const url = source === "url" ? requirePostgresUrl(requireNonEmptyString(raw.url, "url", FACTORY), "url") : null;
  const connection = source === "connection" ? requireObject(raw.connection, "connection", FACTORY) : {};
  const open = (extra: postgres.Options<Record<string, postgres.PostgresType>> = {}) =>
    url !== null ? postgres(url, { ...SETTINGS, ...extra }) : postgres({ ...SETTINGS, ...connection, ...extra });
  const client = open();
  // LISTEN gets clients of its own, so a failed LISTEN check can replace its connection.
  const listenSource: ListenSource | null = !listen
    ? null
    : { open: () => (listenUrl === null ? open({ max: 1 }) : postgres(listenUrl, { ...SETTINGS, ...connectionSettings(connection), max: 1 })) };
  return { db: drizzle({ client }), client, owned: true, listenCheckMs, listenSource, atomicConnections };
}

/** A URL that does not start with postgres:// or postgresql:// is a mistake no retry can fix. */
function requirePostgresUrl(url: string, name: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) return url;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new InvalidConfigurationError(
    `${FACTORY}() option "${name}" must be a postgres:// or postgresql:// URL; got ${scheme ? `a ${scheme}:// URL` : "a value with no URL scheme"}. (The password, if any, is not shown.)`,
  );
}

function optionalCount(value: unknown, name: string, min: number, max: number): number | null {
  if (value === undefined) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigurationError(`${FACTORY}() option "${name}" must be a whole number from ${min} to ${max}; got ${describe(value)}.`);
  }
  return value;
}

/**
 * Seconds before the next reconnect attempt of a pool (and its LISTEN connection) that the
 * backend opened: 50 ms doubling up to 2 s, with jitter. postgres.js's default grows to 20 s,
 * so after a few terminated connections a worker could wait that long for wake-ups and
 * claims to come back; a task queue promises recovery in seconds.
 */
export function reconnectDelaySeconds(attempt: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** attempt, 2);
}

/**
 * Checks that `transaction` (from `using({ transaction })`) is a Drizzle Postgres
 * database or transaction the backend can write through.
 */
export function asPgTransaction(transaction: unknown): PgDb {
  if (is(transaction, PgDatabase)) return transaction as PgDb;
  throw new InvalidTaskError(
    `The transaction passed to enqueue on the Postgres backend must be a Drizzle Postgres transaction (the "tx" in db.transaction(async (tx) => ...)); got ${describe(transaction)}.`,
  );
}
