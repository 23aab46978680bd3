/**
 * Prints the plan of the claim statement on a realistic table: 100k READY rows and 1M
 * finished ones, of three task names. Each claim is shown as a worker sends it, with the
 * names it registered, and without names. Not a timed test; run it by hand:
 *   pnpm --filter @tasks/backend-drizzle explain:pg
 * (pg-claim-plan.test.ts checks the same plans on every test run.)
 */
import type { QueueSelector } from "@tasks/core/backend";
import { claimQuery } from "../src/pg/statements.js";
import { createTestDatabase } from "./helpers/pg.js";

class Rollback extends Error {}

const database = await createTestDatabase();
let failed = false;
try {
  const { client } = database;
  console.log(`Loading 1,000,000 finished and 100,000 READY rows into ${database.name} …`);
  await client`
    INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at,
      finished_at, attempts, max_attempts, identity_hash, return_value)
    SELECT gen_random_uuid(), 'default', (ARRAY['load.a','load.b','load.c'])[1 + i % 3], (ARRAY['default','emails','reports'])[1 + i % 3], (i % 7) - 3, '[]',
      (ARRAY['SUCCESSFUL','FAILED','CANCELLED'])[1 + i % 3], now() - interval '2 days', now() - interval '2 days',
      now() - interval '1 day', 1, 1, md5(i::text), 'null'
    FROM generate_series(1, 1000000) AS i`;
  await client`
    INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at,
      attempts, max_attempts, identity_hash)
    SELECT gen_random_uuid(), 'default', (ARRAY['load.a','load.b','load.c'])[1 + (i / 3) % 3], (ARRAY['default','emails','reports'])[1 + i % 3], (i % 7) - 3, '[]',
      'READY', now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval, 0, 1, md5(i::text)
    FROM generate_series(1, 100000) AS i`;
  await client`VACUUM ANALYZE tasks_results`;

  const queueCases: [string, QueueSelector][] = [
    ["one queue", { include: ["default"], exclude: [] }],
    ["two queues", { include: ["default", "emails"], exclude: [] }],
    ["all queues", { include: "*", exclude: [] }],
  ];
  const nameCases: [string, string[] | undefined][] = [
    ["the worker's three names", ["load.a", "load.b", "load.c"]],
    ["one of the three names", ["load.b"]],
    ["no names (any task)", undefined],
  ];
  for (const [queueTitle, queues] of queueCases) for (const [namesTitle, taskNames] of nameCases) {
    const title = `${queueTitle}, ${namesTitle}`;
    // The statement the backend runs (prepared on its postgres.js client).
    const query = claimQuery({ backend: "default", now: new Date(), workerId: "explain", queues, limit: 10, leaseMs: 30_000, ...(taskNames ? { taskNames } : {}) });
    if (!query) throw new Error("claimQuery built no statement");
    const { text, values: params } = query;
    if (queueTitle === "one queue" && taskNames?.length === 3) console.log(`\n-- claim SQL:\n${text}\n-- params: ${JSON.stringify(params)}`);
    // EXPLAIN ANALYZE runs the UPDATE, so it runs in a transaction that is rolled back.
    await client
      .begin(async (tx) => {
        const rows = await tx.unsafe(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${text}`, params as never[]);
        console.log(`\n=== claim of 10 from ${title} ===\n${rows.map((row) => row["QUERY PLAN"]).join("\n")}`);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
  }
} catch (error) {
  failed = true;
  throw error;
} finally {
  await database.drop(failed);
}
