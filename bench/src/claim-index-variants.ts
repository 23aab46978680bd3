/**
 * What the queue table's claim indexes cost, per task, on variants of the migrated schema:
 * inserts 60,000 READY rows (one `INSERT … SELECT generate_series`), then claims them 200 at a
 * time with the product's claim statement (one queue, resumed after the last row taken, as a
 * worker's claim cursor does) under `EXPLAIN (ANALYZE, WAL)`. Prints per row: the insert's
 * time and WAL, the claim's median time and WAL, and how many claim updates were HOT (a HOT
 * update writes no index entry). Run: `pnpm --filter bench exec tsx src/claim-index-variants.ts`.
 * `BENCH_PG_URL` names the server, as for `pnpm bench`.
 */
import type postgres from "postgres";
import { withFreshDatabase } from "./db.js";
import { walBytesSince, walPosition } from "./postgres-cpu.js";
import { postgresBackend } from "@tasks/backend-drizzle/pg";

const ROWS = 60_000;
const CLAIM = 200;
const CLAIMS = 250;

/** The statements that turn a migrated database into each variant. */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  "as migrated": [],
  "as migrated, fillfactor 70": ["ALTER TABLE tasks_queue SET (fillfactor = 70)"],
  "without the any-queue claim index": ["DROP INDEX tasks_queue_claim_any_queue_idx"],
  "one claim index without the status predicate (claims may be HOT), fillfactor 70": [
    "ALTER TABLE tasks_queue SET (fillfactor = 70)",
    "DROP INDEX tasks_queue_claim_idx",
    "DROP INDEX tasks_queue_claim_any_queue_idx",
    "CREATE INDEX tasks_queue_claim_idx ON tasks_queue (backend, queue_name, (-priority), runnable_at, id)",
  ],
};

const INSERT = `INSERT INTO tasks_queue (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, attempts, max_attempts, identity_hash)
  SELECT (lpad(to_hex(1700000000000 + i), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
    'b', 't', 'default', 0, jsonb_build_array(jsonb_build_object('n', i, 't', 0)), 'READY',
    to_timestamp((1700000000000 + i) / 1000.0), to_timestamp((1700000000000 + i) / 1000.0), 0, 1, md5(i::text)
  FROM generate_series(1, ${ROWS}) AS i`;

// The product's claim of one queue, resumed after the last row claimed (pg/statements.ts).
const CLAIM_TEXT = `EXPLAIN (ANALYZE, WAL, FORMAT JSON) WITH ready AS (
    SELECT id FROM tasks_queue WHERE backend = 'b' AND status = 'READY' AND (run_after IS NULL OR run_after <= now()) AND queue_name = 'default'
      AND ((-priority), runnable_at, id) > ($1::integer, $2::timestamptz, $3::uuid)
    ORDER BY (-priority), runnable_at, id LIMIT ${CLAIM} FOR UPDATE SKIP LOCKED)
  UPDATE tasks_queue AS t SET status = 'RUNNING', attempts = greatest(t.attempts, 0) + 1, worker_ids = t.worker_ids || '["w1"]'::jsonb,
    started_at = coalesce(t.started_at, now()), last_attempted_at = now(), lease_expires_at = now() + interval '30 seconds'
  WHERE t.id = ANY(ARRAY(SELECT id FROM ready)) RETURNING t.id`;

interface ExplainedRoot {
  "Execution Time": number;
  Plan: { "WAL Bytes": number; "Actual Rows": number };
}

async function measure(sql: postgres.Sql): Promise<string> {
  const beforeInsert = await walPosition(sql);
  const started = performance.now();
  await sql.unsafe(INSERT);
  const insertMs = performance.now() - started;
  const insertWal = await walBytesSince(sql, beforeInsert);
  await sql.unsafe("VACUUM ANALYZE tasks_queue");
  let cursor: [number, string, string] = [0, "1970-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000000"];
  const times: number[] = [];
  let wal = 0;
  let rows = 0;
  for (let i = 0; i < CLAIMS; i++) {
    const [row] = await sql.unsafe(CLAIM_TEXT, cursor);
    const root = (row!["QUERY PLAN"] as ExplainedRoot[])[0]!;
    times.push(root["Execution Time"]);
    wal += root.Plan["WAL Bytes"];
    rows += root.Plan["Actual Rows"];
    const [last] = await sql.unsafe(`SELECT (-priority) AS rank, runnable_at, id FROM tasks_queue WHERE status = 'RUNNING' ORDER BY 1 DESC, 2 DESC, 3 DESC LIMIT 1`);
    cursor = [Number(last!.rank), (last!.runnable_at as Date).toISOString(), String(last!.id)];
  }
  // The statistics collector reports at intervals; give it time to count the last updates.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const [stats] = await sql.unsafe("SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relname = 'tasks_queue'");
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  return (
    `insert ${((insertMs * 1000) / ROWS).toFixed(1)} µs and ${(insertWal / ROWS).toFixed(0)} B of WAL per row; ` +
    `claim ${((median * 1000) / CLAIM).toFixed(1)} µs (median of ${CLAIMS}) and ${(wal / rows).toFixed(0)} B of WAL per row, ${rows} rows; ` +
    `HOT updates ${stats!.hot} of ${stats!.updated}`
  );
}

for (const [label, changes] of Object.entries(VARIANTS)) {
  const line = await withFreshDatabase("claimidx", async (db) => {
    const backend = postgresBackend({ url: db.url, listen: false });
    await backend.migrate();
    await backend.close();
    for (const change of changes) await db.sql.unsafe(change);
    return measure(db.sql);
  });
  console.log(`${label}: ${line}`);
}
