/** Options of the Postgres backend: which database to use, and whether to listen for wake-ups. */
import { is } from "drizzle-orm";
import { PgDatabase } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { InvalidConfigurationError, InvalidTaskError } from "@tasks/core";
import { describe, optionalBoolean, rejectUnknownOptions, requireExactlyOne, requireNonEmptyString, requireObject, requireOptionsObject } from "../shared/options.js";
import type { PgDb } from "./queries.js";

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
};

/** The resolved database and whether the backend owns its pool. */
export interface ResolvedPostgres {
  readonly db: PostgresJsDatabase<any>;
  /** The postgres.js client, used for LISTEN; null when `db` has none. */
  readonly client: postgres.Sql | null;
  readonly owned: boolean;
  readonly listen: boolean;
}

const FACTORY = "postgresBackend";
const EXAMPLE = 'postgresBackend({ url: "postgres://user@host/db" }) or postgresBackend({ db })';

/** Checks `options` and opens a pool when the backend is to own one. */
export function resolvePostgresOptions(options: PostgresBackendOptions): ResolvedPostgres {
  const raw: unknown = options;
  requireOptionsObject(raw, FACTORY, EXAMPLE);
  rejectUnknownOptions(raw, ["db", "url", "connection", "listen"], FACTORY);
  const listen = optionalBoolean(raw.listen, "listen", true, FACTORY);
  const source = requireExactlyOne(raw, ["db", "url", "connection"], FACTORY, EXAMPLE);
  if (source === "db") {
    const db = raw.db as PostgresJsDatabase<any>;
    if (!is(db, PgDatabase)) {
      throw new InvalidConfigurationError(
        `${FACTORY}() option "db" must be a Drizzle Postgres database from drizzle-orm/postgres-js; got ${describe(db)}.`,
      );
    }
    const client = (db as { $client?: unknown }).$client;
    return { db, client: typeof (client as postgres.Sql | undefined)?.listen === "function" ? (client as postgres.Sql) : null, owned: false, listen };
  }
  // fetch_types off: the backend sends and reads no Postgres arrays (array parameters go as
  // text literals), and postgres.js runs that type query on every new connection from an event
  // handler that nobody awaits, so a connection terminated during it (pg_terminate_backend, a
  // restart) raises an unhandled rejection that no caller can catch. Pass fetch_types: true in
  // `connection` to get it back.
  const settings = { onnotice: () => {}, fetch_types: false };
  const client =
    source === "url"
      ? postgres(requireNonEmptyString(raw.url, "url", FACTORY), settings)
      : postgres({ ...settings, ...requireObject(raw.connection, "connection", FACTORY) });
  return { db: drizzle({ client }), client, owned: true, listen };
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
