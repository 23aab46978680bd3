import { Logger, makeWorkerUtils, runMigrations, type WorkerUtils } from "graphile-worker";
import type postgres from "postgres";
import type { Payload } from "../payload.js";
import type { LibAdapter, LibSession } from "./types.js";

/** The task identifier every benchmark job uses. */
export const GRAPHILE_TASK = "noop";

/** A logger that drops everything (graphile-worker logs each start-up at info level). */
export const silentGraphileLogger = new Logger(() => () => {});

/**
 * graphile-worker 0.18.0: `defaults` is a plain `run()`; `tuned` is the configuration from
 * its performance page (concurrentJobs 24, pool 25, localQueue 500, batched completion), which
 * 0.18 kept unchanged from 0.17.
 */
export const graphileAdapter: LibAdapter = {
  lib: "graphile",
  label: "graphile-worker 0.18.0",
  bulkChunk: 2_500,
  profiles: {
    defaults: {},
    tuned: { concurrency: 24, maxPoolSize: 25, localQueueSize: 500, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
  },
  async open(url, sql) {
    await runMigrations({ connectionString: url, logger: silentGraphileLogger });
    const utils = await makeWorkerUtils({ connectionString: url, logger: silentGraphileLogger });
    return new GraphileSession(utils, sql);
  },
};

class GraphileSession implements LibSession {
  constructor(
    private readonly utils: WorkerUtils,
    private readonly sql: postgres.Sql,
  ) {}

  async enqueueOne(payload: Payload): Promise<void> {
    await this.utils.addJob(GRAPHILE_TASK, payload);
  }

  async enqueueMany(batch: readonly Payload[]): Promise<void> {
    await this.utils.addJobs(batch.map((payload) => ({ identifier: GRAPHILE_TASK, payload })));
  }

  async loadReady(count: number): Promise<void> {
    // add_jobs is graphile-worker's documented SQL API; one call with a generated array.
    await this.sql`
      SELECT graphile_worker.add_jobs(array(
        SELECT (${GRAPHILE_TASK}, json_build_object('n', g, 't', 0), null, null, null, null, null, null)::graphile_worker.job_spec
        FROM generate_series(1, ${count}::int) AS g
      ))`;
  }

  async loadFinished(): Promise<boolean> {
    return false;
  }

  async progress(total: number) {
    const [row] = await this.sql<{ rows: number; failed: number }[]>`
      SELECT count(*)::int AS rows, count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failed
      FROM graphile_worker._private_jobs`;
    const rows = row?.rows ?? 0;
    const failed = row?.failed ?? 0;
    return { succeeded: total - rows, failed, pending: rows - failed };
  }

  async stored() {
    const [row] = await this.sql<{ rows: number; distinct_n: number }[]>`
      SELECT count(*)::int AS rows, count(DISTINCT payload->>'n')::int AS distinct_n FROM graphile_worker._private_jobs`;
    return { rows: row?.rows ?? 0, distinctN: row?.distinct_n ?? 0 };
  }

  async close(): Promise<void> {
    await this.utils.release();
  }
}
