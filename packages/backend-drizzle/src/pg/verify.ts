/**
 * The Postgres start-up check behind `PostgresBackend.verify()`: connects (bounded in time),
 * then confirms the task tables exist, are up to date and may be read and written.
 */
import { sql } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/pg-core";
import { TasksError, type StorageCheck } from "@tasks/core/backend";
import { columnsMissing, migrationsPending, missingColumns, schemaMissing, STORAGE_OK, type StorageProblem } from "../shared/storage-check.js";
import { connectionProblem, noAnswer } from "./connection-problems.js";
import { pendingIn } from "./migrate.js";
import type { PgDb } from "./queries.js";
import { tasksQueue, tasksResults, tasksSchedules, tasksWorkers } from "./schema.js";
import { resultRows } from "./run-sql.js";
import { readStorageState, TASK_TABLES, type MigrationsTableName } from "./storage-state.js";
import { postgresTargetOf, scrub, type PostgresTarget } from "./target.js";

/** How long `verify()` waits for the database before reporting it unreachable. */
export const VERIFY_TIMEOUT_MS = 5_000;

/** Options of {@link verifyPostgres}. */
export interface VerifyOptions {
  readonly migrations: MigrationsTableName;
  /** Give up (problem "unreachable") after this long. */
  readonly timeoutMs: number;
}

const TIMED_OUT = Symbol("timed out");
const PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE"] as const;

/**
 * Checks the database of `db`: reachable, existing, task tables present and migrated, and
 * readable and writable by the connecting user. Resolves with the first problem found;
 * throws only for an error it cannot explain (with the password scrubbed from its message).
 */
export async function verifyPostgres(db: PgDb, options: VerifyOptions): Promise<StorageCheck> {
  const target = postgresTargetOf((db as { $client?: unknown }).$client);
  try {
    const outcome = await withinTime(checkSchema(db, target, options.migrations), options.timeoutMs);
    return outcome === TIMED_OUT ? noAnswer(target, options.timeoutMs) : outcome;
  } catch (error) {
    const problem = connectionProblem(error, target);
    if (problem) return problem;
    const message = error instanceof Error ? error.message : String(error);
    throw new TasksError(`Could not check the task tables on Postgres at ${target.address}: ${scrub(message, target)}`, { cause: error });
  }
}

async function checkSchema(db: PgDb, target: PostgresTarget, migrations: MigrationsTableName): Promise<StorageCheck> {
  const state = await readStorageState(db, migrations);
  const where = `database "${state.database}" on Postgres at ${target.address}`;
  // Pending migrations first: a table that a pending migration creates is missing because of it.
  const pending = state.recorded ? pendingIn(state) : [];
  if (pending.length > 0) return migrationsPending(where, pending);
  if (state.missingTables.length > 0) return schemaMissing(where, state.missingTables, TASK_TABLES);
  if (!state.recorded) {
    const missing = missingColumns(expectedColumns(), await presentColumns(db));
    if (missing.length > 0) return columnsMissing(where, missing, `${migrations.schema}.${migrations.table}`);
  }
  return (await privilegeProblem(db, where, state.user)) ?? STORAGE_OK;
}

function expectedColumns(): Map<string, string[]> {
  return new Map(
    [tasksQueue, tasksResults, tasksWorkers, tasksSchedules].map((table) => {
      const config = getTableConfig(table);
      return [config.name, config.columns.map((column) => column.name)];
    }),
  );
}

async function presentColumns(db: PgDb): Promise<Map<string, Set<string>>> {
  const present = new Map<string, Set<string>>();
  for (const table of TASK_TABLES) {
    const rows = resultRows<{ name: string }>(
      await db.execute(sql`SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass(${table}::text) AND attnum > 0 AND NOT attisdropped`),
    );
    present.set(table, new Set(rows.map((row) => row.name)));
  }
  return present;
}

/** Table privileges a worker needs; `has_table_privilege` with a list is true if ANY is held, so each is asked alone. */
async function privilegeProblem(db: PgDb, where: string, user: string): Promise<StorageProblem | null> {
  const checks = TASK_TABLES.flatMap((table) => PRIVILEGES.map((privilege) => ({ table, privilege })));
  const columns = checks.map(({ table, privilege }, index) => sql`has_table_privilege(${table}::text, ${privilege}::text) AS ${sql.identifier(`p${index}`)}`);
  const [row] = resultRows<Record<string, unknown>>(await db.execute(sql`SELECT ${sql.join(columns, sql`, `)}`));
  const lacking = checks.filter((_, index) => row?.[`p${index}`] !== true).map(({ table, privilege }) => `${privilege} on ${table}`);
  if (lacking.length === 0) return null;
  return {
    ok: false,
    problem: "access-denied",
    message: `User "${user}" lacks ${lacking.join(", ")} in ${where}. Grant them (GRANT SELECT, INSERT, UPDATE, DELETE ON ${TASK_TABLES.join(", ")} TO "${user}") or connect as the user that owns the task tables.`,
  };
}

/** `work`, or {@link TIMED_OUT} if it has not settled after `ms` (its late outcome is ignored). */
async function withinTime<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
