/**
 * The claim a worker sends (with the task names it registered) walks the partial READY claim
 * index in claim order and stops after `limit` rows, as the claim without names does, from
 * the head or resumed at a cursor (the row comparison is an index condition, not a filter);
 * and the UPDATE finds the locked rows by primary key. Both the plan for the values sent
 * (custom) and the plan Postgres may settle on for a prepared statement run many times
 * (generic).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { QueueSelector } from "@tasks/core/backend";
import { claimQuery } from "../src/pg/statements.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

const NAMES = ["load.a", "load.b", "load.c"];

/** A value as an SQL literal, for `EXECUTE name(...)`. */
function literal(value: unknown): string {
  return typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
}

describe.skipIf(!available)("Postgres claim plans", () => {
  const database = useTestDatabase();

  beforeAll(async () => {
    const { client } = database();
    // Enough rows that a scan would cost more than the index: 60k finished rows and 20k READY
    // and 5k RUNNING rows of three names over three queues, READY ones of every name in every queue.
    await client`
      INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at,
        finished_at, attempts, max_attempts, identity_hash, return_value)
      SELECT gen_random_uuid(), 'plan', (ARRAY['load.a','load.b','load.c'])[1 + i % 3], (ARRAY['default','emails','reports'])[1 + i % 3],
        (i % 7) - 3, '[]', (ARRAY['SUCCESSFUL','FAILED','CANCELLED'])[1 + i % 3], now() - interval '2 days', now() - interval '2 days',
        now() - interval '1 day', 1, 1, md5(i::text), 'null'
      FROM generate_series(1, 60000) AS i`;
    await client`
      INSERT INTO tasks_queue (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at,
        attempts, max_attempts, identity_hash)
      SELECT gen_random_uuid(), 'plan', (ARRAY['load.a','load.b','load.c'])[1 + (i / 3) % 3], (ARRAY['default','emails','reports'])[1 + i % 3],
        (i % 7) - 3, '[]', CASE WHEN i <= 20000 THEN 'READY' ELSE 'RUNNING' END, now() - (i || ' seconds')::interval,
        now() - (i || ' seconds')::interval, 0, 1, md5(i::text)
      FROM generate_series(1, 25000) AS i`;
    await client`VACUUM ANALYZE tasks_results`;
    await client`VACUUM ANALYZE tasks_queue`;
  });

  const cases: [string, QueueSelector, RegExp][] = [
    ["one queue", { include: ["default"], exclude: [] }, /Index Scan using tasks_queue_claim_idx on tasks_queue/],
    ["two queues", { include: ["default", "emails"], exclude: [] }, /Index Scan using tasks_queue_claim_any_queue_idx on tasks_queue/],
    ["all queues", { include: "*", exclude: [] }, /Index Scan using tasks_queue_claim_any_queue_idx on tasks_queue/],
  ];
  const cursor = { rank: 0, runnableAtMs: Date.now() - 5_000_000, id: "00000000-0000-0000-0000-000000000000" };
  for (const [title, queues, indexScan] of cases) {
    for (const [taskNames, resumeAfter] of [[NAMES, null], [["load.b"], null], [NAMES, cursor]] as const) {
      const how = resumeAfter ? "resumed at a cursor" : "from the head";
      it(`a claim from ${title} with ${taskNames.length} task name(s), ${how}, walks the partial claim index in order, custom and generic plans alike`, async () => {
        const { client } = database();
        const params = { backend: "plan", now: new Date(), workerId: "plan", queues, limit: 10, leaseMs: 30_000, taskNames };
        const query = claimQuery(params, resumeAfter);
        expect(query?.text).toMatch(/task_name = ANY\(\$\d+::text\[\]\)/);
        const { text, values } = query!;
        const name = `claim_plan_${Math.random().toString(36).slice(2, 10)}`;
        const plans = await client.begin(async (tx) => {
          const custom = await tx.unsafe(`EXPLAIN (COSTS OFF) ${text}`, values as never[]);
          await tx.unsafe(`PREPARE ${name} AS ${text}`);
          try {
            await tx.unsafe("SET LOCAL plan_cache_mode = force_generic_plan");
            const generic = await tx.unsafe(`EXPLAIN (COSTS OFF) EXECUTE ${name}(${values.map(literal).join(", ")})`);
            return [custom, generic].map((rows) => rows.map((row) => String(row["QUERY PLAN"])).join("\n"));
          } finally {
            await tx.unsafe(`DEALLOCATE ${name}`);
          }
        });
        for (const plan of plans) {
          const ready = plan.slice(plan.indexOf("CTE ready"), plan.indexOf("CTE Scan on ready"));
          expect(ready, plan).toMatch(/Limit\s+->\s+LockRows\s+->\s+Index Scan using/);
          expect(ready, plan).toMatch(indexScan);
          expect(ready, plan).toMatch(/Filter: .*task_name = ANY/);
          expect(ready, plan).not.toMatch(/Seq Scan|Sort|Bitmap/);
          if (resumeAfter) expect(ready, plan).toMatch(/Index Cond: .*ROW\(\(- priority\), runnable_at, id\) > ROW/);
          const update = plan.slice(plan.indexOf("->", plan.indexOf("CTE Scan on ready")));
          expect(update, plan).toMatch(/(Index Scan using|Bitmap Index Scan on) tasks_queue_pkey/);
          expect(update, plan).not.toMatch(/Seq Scan|claim/);
        }
      });
    }
  }
});
