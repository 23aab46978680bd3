/**
 * Postgres test databases: each test file creates its own `tasks_pg_<random>` database,
 * migrates it, and drops it afterwards, unless a test failed (then it is kept to inspect).
 */
import { randomBytes } from "node:crypto";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll } from "vitest";
import { migrate } from "../../src/pg/index.js";

/** The admin connection: `DATABASE_URL`, or the local test server. */
export const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Whether Postgres answers. Without it tests skip loudly locally and fail under CI. */
export async function postgresAvailable(): Promise<boolean> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`SELECT 1`;
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`Postgres at ${ADMIN_URL} is required under CI but could not be reached.`, { cause: error });
    console.warn(`\n!!! Postgres at ${ADMIN_URL} is not reachable: SKIPPING the Postgres tests (set DATABASE_URL). !!!\n`);
    return false;
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/** The URL of database `name` on the admin server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A freshly created, migrated database. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** A Drizzle database on a pool of its own (closed by `drop`). */
  readonly db: PostgresJsDatabase;
  readonly client: postgres.Sql;
  /** Ends the pool; drops the database unless `keep`. */
  drop(keep: boolean): Promise<void>;
}

/** Creates `tasks_pg_<random>` and applies the bundled migrations. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tasks_pg_${randomBytes(5).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = databaseUrl(name);
  const client = postgres(url, { onnotice: () => {}, max: 10 });
  const db = drizzle({ client });
  await migrate(db);
  return {
    name,
    url,
    db,
    client,
    async drop(keep) {
      await client.end({ timeout: 1 });
      if (keep) {
        console.warn(`Keeping database ${name} because a test failed.`);
        return;
      }
      const dropper = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await dropper`DROP DATABASE IF EXISTS ${dropper(name)} WITH (FORCE)`;
      } finally {
        await dropper.end({ timeout: 1 });
      }
    },
  };
}

/**
 * Registers hooks that create a database before the file's tests and drop it after them
 * (kept if any test failed). Returns a getter for the database.
 */
export function useTestDatabase(): () => TestDatabase {
  let database: TestDatabase | null = null;
  let failed = false;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach((context) => {
    if (context.task.result?.state === "fail") failed = true;
  });
  afterAll(async () => {
    await database?.drop(failed);
  });
  return () => {
    if (!database) throw new Error("The test database is not ready; did beforeAll fail?");
    return database;
  };
}
