/**
 * Rows written by other code, on both dialects: raw SQL inserts and reads of the task tables
 * next to a real backend (Postgres in a database of its own, SQLite in a temporary file with a
 * second connection, as another program would open it). Inserts go into `tasks_results`, as
 * the version before migration 0005 wrote them: its trigger moves READY and RUNNING rows to
 * `tasks_queue`. Reads look in both tables (a row is in exactly one).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { newTaskId, type TaskBackend } from "@tasks/core/backend";
import { PostgresBackend } from "../../src/pg/index.js";
import { sqliteBackend } from "../../src/sqlite/index.js";
import { openDb, migratedFile, tempDir } from "../sqlite-helpers.js";
import { postgresAvailable, useTestDatabase } from "./pg.js";

/** A column value for {@link RawDialect.insert}: JSON columns take JSON text, times take Dates. */
export type RawValue = string | number | Date | null;

/** One dialect's backend and raw access to its table. */
export interface RawDialect {
  readonly name: "sqlite" | "postgres";
  readonly backend: TaskBackend;
  /** Inserts one row; `values` replace the defaults of a READY task (column name → value). Returns its id. */
  insert(alias: string, values: Record<string, RawValue>): Promise<string>;
  /** Every column of one row, as the driver returns it. */
  row(id: string): Promise<Record<string, unknown>>;
  /** Every row of `alias` in `queue`, ordered by id (to compare before and after). */
  rows(alias: string, queue: string): Promise<Record<string, unknown>[]>;
}

/** The instant `seconds` after a fixed start (the same base as the conformance suite). */
export function at(seconds: number): Date {
  return new Date(Date.UTC(2030, 0, 1, 12, 0, 0) + seconds * 1000);
}

/** A fresh backend alias. */
export function newAlias(): string {
  return `raw-${randomBytes(5).toString("hex")}`;
}

const JSON_COLUMNS = new Set(["args", "worker_ids", "errors", "return_value", "trace_context"]);
const TIME_COLUMNS = new Set(["run_after", "runnable_at", "enqueued_at", "started_at", "finished_at", "last_attempted_at", "lease_expires_at", "scheduled_for"]);
const PG_TYPES: Record<string, string> = { id: "uuid", priority: "smallint", attempts: "integer", max_attempts: "integer" };

/** A READY task row enqueued at `at(5)`, as this library would store it. */
function defaults(alias: string): Record<string, RawValue> {
  return {
    id: newTaskId(at(5).getTime()),
    backend: alias,
    task_name: "raw.task",
    queue_name: "default",
    priority: 0,
    args: "[]",
    status: "READY",
    run_after: null,
    runnable_at: at(5),
    enqueued_at: at(5),
    attempts: 0,
    max_attempts: 1,
    worker_ids: "[]",
    errors: "[]",
    return_value: null,
    lease_expires_at: null,
    identity_hash: "raw",
  };
}

/** A SQLite dialect on a fresh file (call inside a describe; opened in beforeAll). */
export function useSqliteDialect(): () => RawDialect {
  let dialect: RawDialect | null = null;
  let cleanup: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    const dir = tempDir();
    const file = await migratedFile(dir);
    const backend = sqliteBackend({ path: file });
    const { client } = openDb(file);
    client.pragma("busy_timeout = 5000");
    dialect = {
      name: "sqlite",
      backend,
      async insert(alias, values) {
        const row = { ...defaults(alias), ...values };
        const columns = Object.keys(row);
        client
          .prepare(`INSERT INTO tasks_results (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`)
          .run(...columns.map((column) => {
            const value = row[column] ?? null;
            return value instanceof Date ? value.getTime() : value;
          }));
        return String(row.id);
      },
      async row(id) {
        return client.prepare("SELECT * FROM tasks_queue WHERE id = @id UNION ALL SELECT * FROM tasks_results WHERE id = @id").get({ id }) as Record<string, unknown>;
      },
      async rows(alias, queue) {
        return client
          .prepare("SELECT * FROM tasks_queue WHERE backend = @alias AND queue_name = @queue UNION ALL SELECT * FROM tasks_results WHERE backend = @alias AND queue_name = @queue ORDER BY id")
          .all({ alias, queue }) as Record<string, unknown>[];
      },
    };
    cleanup = async () => {
      await backend.close();
      client.close();
      dir.remove();
    };
  });
  afterAll(async () => {
    await cleanup?.();
  });
  return () => {
    if (!dialect) throw new Error("The SQLite dialect is not open; did beforeAll fail?");
    return dialect;
  };
}

/** Whether Postgres answers (the Postgres half of a file is skipped without it). */
export const pgAvailable = await postgresAvailable();

/** A Postgres dialect on a database of its own (call inside a describe). */
export function usePostgresDialect(): () => RawDialect {
  const database = useTestDatabase();
  let dialect: RawDialect | null = null;
  beforeAll(async () => {
    const { client, db } = database();
    const backend = new PostgresBackend({ db });
    const cast = (column: string) => (JSON_COLUMNS.has(column) ? "jsonb" : TIME_COLUMNS.has(column) ? "timestamptz" : (PG_TYPES[column] ?? "text"));
    dialect = {
      name: "postgres",
      backend,
      async insert(alias, values) {
        const row = { ...defaults(alias), ...values };
        const columns = Object.keys(row);
        const params = columns.map((column) => {
          const value = row[column] ?? null;
          return value instanceof Date ? value.toISOString() : value === null ? null : String(value);
        });
        await client.unsafe(
          `INSERT INTO tasks_results (${columns.join(", ")}) VALUES (${columns.map((column, index) => `$${index + 1}::${cast(column)}`).join(", ")})`,
          params as never[],
        );
        return String(row.id);
      },
      async row(id) {
        const [row] = await client.unsafe("SELECT * FROM tasks_queue WHERE id = $1::uuid UNION ALL SELECT * FROM tasks_results WHERE id = $1::uuid", [id]);
        return row as Record<string, unknown>;
      },
      async rows(alias, queue) {
        return (await client.unsafe(
          "SELECT * FROM tasks_queue WHERE backend = $1 AND queue_name = $2 UNION ALL SELECT * FROM tasks_results WHERE backend = $1 AND queue_name = $2 ORDER BY id",
          [alias, queue],
        )) as Record<string, unknown>[];
      },
    };
  });
  afterAll(async () => {
    await dialect?.backend.close();
  });
  return () => {
    if (!dialect) throw new Error("The Postgres dialect is not open; did beforeAll fail?");
    return dialect;
  };
}
