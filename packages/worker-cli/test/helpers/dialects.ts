import { createPostgresDatabase, createSqliteDatabase, postgresReachable, type CreateOptions, type TestDatabase } from "./databases.js";

/** A database kind the binary tests run against. */
export interface Dialect {
  readonly name: "sqlite" | "pg";
  /** Skip reason, or null to run. */
  readonly skip: string | null;
  create(options?: CreateOptions): Promise<TestDatabase>;
}

const pgUp = await postgresReachable();
if (!pgUp && process.env.CI) {
  throw new Error("Postgres is not reachable (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test) and CI is set: the Postgres binary tests cannot be skipped in CI.");
}
if (!pgUp) {
  console.warn("\n*** worker-cli: Postgres is NOT reachable; SKIPPING the Postgres binary tests (this would fail in CI). ***\n");
}

/** Whether the test Postgres server answered (tests that need it skip otherwise, except in CI). */
export const POSTGRES_UP = pgUp;

/** SQLite always; Postgres when reachable (required in CI). */
export const DIALECTS: readonly Dialect[] = [
  { name: "sqlite", skip: null, create: createSqliteDatabase },
  { name: "pg", skip: pgUp ? null : "Postgres not reachable", create: createPostgresDatabase },
];
