import { configureTasks, closeTasks, silentLogger, task, unregisterTasks, type Task } from "@tasks/core";
import { migrate, PostgresBackend } from "@tasks/backend-drizzle/pg";
import type postgres from "postgres";
import type { Payload } from "../payload.js";
import type { LibAdapter, LibSession } from "./types.js";

/** The name every benchmark task is stored under. */
export const OURS_TASK = "bench.noop";

/**
 * This project on Postgres: `defaults` is `new Worker({})` (concurrency 50, 1 s poll,
 * LISTEN wake-ups); `tuned` raises concurrency to 400 (two claim lanes of up to 200 tasks each;
 * 200, 300, 400, 500 and 800 were tried on the 2-core machine, 300–500 were best).
 */
export const oursAdapter: LibAdapter = {
  lib: "ours",
  label: "tasks (this repo)",
  bulkChunk: 2_500,
  profiles: {
    defaults: {},
    tuned: { concurrency: 400 },
  },
  async open(url, sql) {
    const backend = new PostgresBackend({ url, listen: false });
    await migrate(backend.db);
    configureTasks({ backends: { default: backend }, logger: silentLogger });
    unregisterTasks(OURS_TASK);
    // Only enqueued from this process; the workers define the same name with a body.
    const noop = task({ name: OURS_TASK }, (_payload: Payload) => {});
    return new OursSession(noop, sql);
  },
};

class OursSession implements LibSession {
  #finishedLoaded = 0;

  constructor(
    private readonly noop: Task<[Payload], void>,
    private readonly sql: postgres.Sql,
  ) {}

  async enqueueOne(payload: Payload): Promise<void> {
    await this.noop.enqueue(payload);
  }

  async enqueueMany(batch: readonly Payload[]): Promise<void> {
    await this.noop.enqueueMany(batch.map((payload) => [payload]));
  }

  async loadReady(count: number): Promise<void> {
    await this.#insertRows(count, "READY");
  }

  async loadFinished(count: number): Promise<boolean> {
    await this.#insertRows(count, "SUCCESSFUL");
    this.#finishedLoaded += count;
    return true;
  }

  // Rows shaped as enqueue writes them: UUIDv7 ids in enqueue order (random v4 ids would
  // scatter the primary-key lookups of claims and completions over the whole index, which
  // our enqueue never does). Finished rows are a day older than the ready ones and get
  // negative numbers, so they never count as benchmark tasks. Claim order follows n
  // (runnable_at 1 ms apart, in the past).
  async #insertRows(count: number, status: "READY" | "SUCCESSFUL"): Promise<void> {
    const finished = status === "SUCCESSFUL";
    // Live tasks and finished ones have separate tables.
    const table = this.sql(finished ? "tasks_results" : "tasks_queue");
    await this.sql`
      INSERT INTO ${table} (id, backend, task_name, queue_name, priority, args, status, run_after, runnable_at,
        enqueued_at, started_at, finished_at, last_attempted_at, attempts, max_attempts, worker_ids, errors,
        return_value, identity_hash)
      SELECT encode(set_byte(overlay(r.b PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
          6, (get_byte(r.b, 6) & 15) | 112), 'hex')::uuid,
        'default', ${OURS_TASK}, 'default', 0,
        jsonb_build_array(jsonb_build_object('n', CASE WHEN ${finished} THEN -g ELSE g END, 't', 0)),
        ${status}, NULL, at, at,
        CASE WHEN ${finished} THEN now() END, CASE WHEN ${finished} THEN now() END, CASE WHEN ${finished} THEN now() END,
        CASE WHEN ${finished} THEN 1 ELSE 0 END, 1,
        CASE WHEN ${finished} THEN '["loader"]'::jsonb ELSE '[]'::jsonb END, '[]'::jsonb,
        CASE WHEN ${finished} THEN 'null'::jsonb END, md5(g::text)
      FROM generate_series(1, ${count}::int) AS g,
        LATERAL (SELECT now() - CASE WHEN ${finished} THEN interval '2 days' ELSE interval '1 day' END + g * interval '1 millisecond' AS at) AS t,
        -- OFFSET 0 * g ties the subquery to the row, so each row gets its own random bits.
        LATERAL (SELECT uuid_send(gen_random_uuid()) AS b OFFSET 0 * g) AS r`;
  }

  async progress() {
    const rows = await this.sql<{ status: string; count: number }[]>`
      SELECT status, count(*)::int AS count FROM (SELECT status FROM tasks_queue UNION ALL SELECT status FROM tasks_results) AS t GROUP BY status`;
    const by = new Map(rows.map((row) => [row.status, row.count]));
    return {
      succeeded: (by.get("SUCCESSFUL") ?? 0) - this.#finishedLoaded,
      failed: (by.get("FAILED") ?? 0) + (by.get("CANCELLED") ?? 0),
      pending: (by.get("READY") ?? 0) + (by.get("RUNNING") ?? 0),
    };
  }

  async stored() {
    const [row] = await this.sql<{ rows: number; distinct_n: number }[]>`
      SELECT count(*)::int AS rows, count(DISTINCT args->0->>'n')::int AS distinct_n
      FROM (SELECT args FROM tasks_queue UNION ALL SELECT args FROM tasks_results) AS t`;
    return { rows: row?.rows ?? 0, distinctN: row?.distinct_n ?? 0 };
  }

  async close(): Promise<void> {
    await closeTasks();
  }
}
