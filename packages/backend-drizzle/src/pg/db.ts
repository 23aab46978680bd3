/** The database type every Postgres query takes, apart from the queries themselves (no import circle). */
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/** A Drizzle Postgres database or transaction (any driver). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PgDb = PgDatabase<PgQueryResultHKT, any>;
