/**
 * What the dashboard's indexes cost each finished task: the statement that finishes a batch of
 * successful tasks (DELETE from tasks_queue, INSERT into tasks_results, as completion runs it) on
 * three databases, without them (before 0008), with 0008's and with 0009's, in turns, with
 * EXPLAIN (ANALYZE, WAL): server time and WAL bytes per task, the latter exact whatever else the
 * machine runs. Not a test; run it by hand:
 *   pnpm --filter @tasks/backend-drizzle exec tsx test/pg-browse-write-cost.ts [batches] [finished rows already there]
 */
import type postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "./helpers/pg.js";
import { loadTasks } from "./helpers/browse-load.js";

const BATCHES = Number(process.argv[2] ?? 60);
const PRELOADED = Number(process.argv[3] ?? 200_000);
const BATCH = 500;

/** Shaped as the bench's tasks ([{ n, t }]) and moved as completion moves them, SUCCESSFUL. */
async function finishBatch(client: postgres.Sql, batch: number): Promise<{ ms: number; walBytes: number }> {
  const from = batch * BATCH;
  await client.unsafe(
    `INSERT INTO tasks_queue (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, started_at, last_attempted_at,
       attempts, max_attempts, identity_hash, worker_ids, lease_expires_at)
     SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint + i), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
       'default', 'bench.noop', 'default', 0, jsonb_build_array(jsonb_build_object('n', i, 't', 0)), 'RUNNING', now(), now(), now(), now(), 1, 1, md5(i::text), '["w"]', now() + interval '1 minute'
     FROM generate_series($1::integer, $2::integer) AS i`,
    [from + 10_000_000, from + 10_000_000 + BATCH - 1],
  );
  const rows = await client.unsafe(
    `EXPLAIN (ANALYZE, WAL, FORMAT JSON) WITH moved_rows AS (DELETE FROM tasks_queue AS q WHERE q.backend = 'default' AND q.status = 'RUNNING' RETURNING q.*)
     INSERT INTO tasks_results SELECT d.id, d.backend, d.task_name, d.queue_name, d.priority, d.args, 'SUCCESSFUL', d.run_after, d.runnable_at, d.enqueued_at,
       d.started_at, now(), d.last_attempted_at, d.attempts, d.max_attempts, d.worker_ids, d.errors, 'null', NULL, d.identity_hash, d.unique_key, d.scheduled_for, d.trace_context
     FROM moved_rows AS d`,
  );
  const plan = (rows[0]!["QUERY PLAN"] as { "Execution Time": number; Plan: { "WAL Bytes": number } }[])[0]!;
  return { ms: plan["Execution Time"], walBytes: plan.Plan["WAL Bytes"] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const dropped = (name: string) => `DROP INDEX ${name}`;

/** The variants compared: the statements that turn a migrated database into each. */
const VARIANTS: readonly { label: string; change: readonly string[] }[] = [
  { label: "without (before 0008)", change: [dropped("tasks_results_finished_order_idx"), dropped("tasks_results_unsuccessful_args_idx")] },
  {
    label: "0008 (btree + GIN of every task)",
    change: [dropped("tasks_results_unsuccessful_args_idx"), "CREATE INDEX tasks_results_args_idx ON tasks_results USING gin (args)"],
  },
  { label: "0009 (btree + GIN of failures)", change: [] },
];

const databases: TestDatabase[] = [];
let failed = false;
try {
  for (const variant of VARIANTS) {
    const database = await createTestDatabase();
    databases.push(database);
    for (const statement of variant.change) await database.client.unsafe(statement);
    await loadTasks(database.client, "default", PRELOADED, 0);
  }
  const results = databases.map(() => ({ ms: [] as number[], wal: [] as number[] }));
  for (let batch = 0; batch < BATCHES; batch++) {
    // A different order each batch, so no variant always runs right after the same other one.
    const order = databases.map((_, index) => (index + batch) % databases.length);
    for (const index of order) {
      const { ms, walBytes } = await finishBatch(databases[index]!.client, batch);
      // The first batches warm the caches.
      if (batch < 4) continue;
      results[index]!.ms.push(ms);
      results[index]!.wal.push(walBytes);
    }
  }
  console.log(`Finishing ${BATCHES - 4} batches of ${BATCH} tasks each, over ${PRELOADED.toLocaleString("en-US")} finished rows already stored:\n`);
  console.log("| tasks_results indexes | server ms per batch (median) | µs per task | WAL bytes per task |\n| --- | ---: | ---: | ---: |");
  VARIANTS.forEach((variant, index) => {
    const { ms, wal } = results[index]!;
    console.log(`| ${variant.label} | ${median(ms).toFixed(1)} | ${((median(ms) * 1000) / BATCH).toFixed(1)} | ${(median(wal) / BATCH).toFixed(0)} |`);
  });
} catch (error) {
  failed = true;
  throw error;
} finally {
  for (const database of databases) await database.drop(failed);
}
