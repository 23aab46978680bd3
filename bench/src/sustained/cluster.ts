import { PrivateCluster } from "@tasks/chaos/src/postgres/cluster.js";
import postgres from "postgres";
import { SLOW_STATEMENT_MS } from "./slow-plans.js";

/**
 * Server settings on top of the defaults: statement statistics, and the plans of statements
 * slower than SLOW_STATEMENT_MS in the server log. Autovacuum and everything else stay at
 * Postgres's defaults (the shared server has autovacuum off).
 */
const SETTINGS = {
  shared_preload_libraries: "pg_stat_statements,auto_explain",
  "pg_stat_statements.track": "top",
  "auto_explain.log_min_duration": String(SLOW_STATEMENT_MS),
} as const;

/** A database of its own on a fresh private cluster, with pg_stat_statements installed. */
export interface PrivateDatabase {
  readonly url: string;
  readonly sql: postgres.Sql;
  /** Opens another connection (for the held snapshot). */
  connect(): postgres.Sql;
  /** The server log so far (its last 20,000 lines). */
  serverLog(): string;
}

/**
 * Runs `body` on a new cluster (initdb into a temporary folder, default settings plus
 * pg_stat_statements and auto_explain), so autovacuum, statement statistics and the xmin horizon belong to
 * one library's run alone. The cluster is removed afterwards, also when the process exits.
 */
export async function withPrivateDatabase<T>(lib: string, body: (db: PrivateDatabase) => Promise<T>): Promise<T> {
  const cluster = await PrivateCluster.create({ settings: SETTINGS });
  const removeOnExit = () => cluster.removeNow();
  process.once("exit", removeOnExit);
  try {
    const name = `bench_${lib}`;
    const admin = postgres(cluster.url("postgres"), { max: 1, onnotice: () => {} });
    try {
      await admin`CREATE DATABASE ${admin(name)}`;
    } finally {
      await admin.end();
    }
    const url = cluster.url(name);
    const connect = () => postgres(url, { max: 1, onnotice: () => {} });
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    try {
      await sql`CREATE EXTENSION pg_stat_statements`;
      return await body({ url, sql, connect, serverLog: () => cluster.logTail(20_000) });
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    process.off("exit", removeOnExit);
    await cluster.remove();
  }
}
