/**
 * Setting aside rows a claim or rescue could not read (written by other code): they are
 * marked FAILED, without running, with an error that names what could not be read.
 */
import type postgres from "postgres";
import { setAsideErrorRecord, type UnreadableRow } from "../shared/decode.js";
import type { PgDb } from "./db.js";
import { errorsPlus, moveText } from "./moves.js";
import { firstColumn } from "./raw-rows.js";
import { runRows } from "./run-sql.js";

/**
 * Sets aside rows that cannot be read, each only while still as it was read (same status and
 * attempt): a live row moves to the results table as FAILED, a finished one (a rescue's) is
 * marked FAILED where it is; either way an error naming each unreadable column and what it
 * held is appended, and a time that could not be read is replaced by its fallback (NULL, or
 * the epoch for `enqueued_at`). $1 backend, $2 now, $3 the rows as JSON.
 */
const SET_ASIDE_TEXT = `WITH v AS (
    SELECT * FROM jsonb_to_recordset($3::jsonb)
      AS v(id uuid, status text, attempt integer, error jsonb, run_after timestamptz, enqueued_at timestamptz, started_at timestamptz, scheduled_for timestamptz)
  ), ${moveText(
    {
      where: "q.id = ANY(ARRAY(SELECT id FROM v)) AND q.backend = $1 AND (q.status, q.attempts) IN (SELECT status, attempt FROM v WHERE v.id = q.id)",
      set: {
        status: "'FAILED'",
        finished_at: "$2::timestamptz",
        lease_expires_at: "NULL",
        errors: errorsPlus("d.errors", "(SELECT error FROM v WHERE v.id = d.id AND v.attempt = d.attempts LIMIT 1)"),
        run_after: "(SELECT run_after FROM v WHERE v.id = d.id AND v.attempt = d.attempts LIMIT 1)",
        enqueued_at: "(SELECT enqueued_at FROM v WHERE v.id = d.id AND v.attempt = d.attempts LIMIT 1)",
        started_at: "(SELECT started_at FROM v WHERE v.id = d.id AND v.attempt = d.attempts LIMIT 1)",
        scheduled_for: "(SELECT scheduled_for FROM v WHERE v.id = d.id AND v.attempt = d.attempts LIMIT 1)",
      },
    },
    "moved",
  )}, finished AS (
    UPDATE tasks_results AS t SET
      status = 'FAILED', lease_expires_at = NULL, errors = ${errorsPlus("t.errors", "v.error")},
      run_after = v.run_after, enqueued_at = v.enqueued_at, started_at = v.started_at, scheduled_for = v.scheduled_for
    FROM v WHERE t.id = ANY(ARRAY(SELECT id FROM v)) AND t.id = v.id AND t.backend = $1 AND t.status = v.status AND t.attempts = v.attempt
    RETURNING t.id
  )
  SELECT id FROM moved UNION ALL SELECT id FROM finished`;

/** Sets aside rows a claim or rescue could not read; see {@link SET_ASIDE_TEXT}. Returns the ids set aside. */
export async function setAsideRows(db: PgDb, client: postgres.Sql | null, backend: string, now: Date, rows: readonly UnreadableRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const json = JSON.stringify(
    rows.map(({ record, problems }) => ({
      id: record.id,
      status: record.status,
      attempt: record.attempts,
      error: setAsideErrorRecord(problems),
      run_after: record.runAfter?.toISOString() ?? null,
      enqueued_at: record.enqueuedAt.toISOString(),
      started_at: record.startedAt?.toISOString() ?? null,
      scheduled_for: record.scheduledFor?.toISOString() ?? null,
    })),
  );
  return runRows(db, client, SET_ASIDE_TEXT, [backend, now.toISOString(), json], ["id"], firstColumn);
}
