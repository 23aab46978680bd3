/**
 * Running a fixed SQL text with `$n` placeholders: prepared on the backend's own postgres.js
 * client, or through Drizzle on any database or transaction, with rows read by position.
 */
import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
import type { PgDb } from "./db.js";
import type { RawValue } from "./raw-rows.js";

/** The rows of a raw `execute` result, whichever Postgres driver Drizzle runs on. */
export function resultRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

/** A fixed SQL text with `$n` placeholders as a Drizzle query binding `params`. */
export function withParams(text: string, params: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  return sql.join(parts.map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`)));
}

/**
 * Runs `text` and returns its rows, each given to `map` as an array in `columns` order:
 * prepared on `client` when given, otherwise through Drizzle on `db` (the application's
 * transaction, for example).
 */
export async function runRows<T>(
  db: PgDb,
  client: postgres.Sql | null,
  text: string,
  params: readonly unknown[],
  columns: readonly string[],
  map: (row: RawValue[]) => T,
): Promise<T[]> {
  if (client) {
    const rows = (await client.unsafe(text, params as never[], { prepare: true }).values()) as unknown as RawValue[][];
    const mapped = rows.map(map);
    // Empty postgres.js's result array as soon as its rows are mapped. Otherwise the rows and
    // their strings are often still reachable from old-generation garbage when the next
    // young-generation GCs run, so they are promoted instead of freed: a 50,000-task drain
    // promoted ~50 MB to the old generation (3 full GCs) without this, ~15 MB (1) with it.
    rows.length = 0;
    return mapped;
  }
  const rows = resultRows<Record<string, RawValue>>(await db.execute(withParams(text, params)));
  return rows.map((row) => map(columns.map((column) => row[column] as RawValue)));
}
