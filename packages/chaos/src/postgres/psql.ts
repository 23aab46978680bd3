import { join } from "node:path";
import { runCommand } from "../harness/run.js";
import { PG_BIN } from "./cluster.js";

const FIELD_SEPARATOR = "\u001f";

/**
 * Runs SQL with `psql` and returns the rows as arrays of text fields. The harness reads and
 * faults the database through short-lived psql processes, never through a driver, so a
 * driver defect cannot take the harness down with the workers it measures.
 */
export async function psql(url: string, sql: string, timeoutMs = 15_000): Promise<string[][]> {
  const { stdout } = await runCommand(join(PG_BIN, "psql"), ["-X", "-q", "-A", "-t", "-F", FIELD_SEPARATOR, "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], {
    timeoutMs,
    env: { ...process.env, PGCONNECT_TIMEOUT: "5", PGAPPNAME: "chaos-harness" },
  });
  return stdout
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split(FIELD_SEPARATOR));
}

/** {@link psql} for one number (`select count(*) …`). */
export async function psqlNumber(url: string, sql: string, timeoutMs?: number): Promise<number> {
  const rows = await psql(url, sql, timeoutMs);
  return Number(rows[0]?.[0] ?? Number.NaN);
}
