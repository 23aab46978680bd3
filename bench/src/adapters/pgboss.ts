import { PgBoss, type ConstructorOptions } from "pg-boss";
import type postgres from "postgres";
import type { Payload } from "../payload.js";
import type { LibAdapter, LibSession } from "./types.js";

/** The queue every benchmark job goes to. */
export const PGBOSS_QUEUE = "bench";

/** Options shared by the main process and the workers: no cron or maintenance noise. */
export function pgBossOptions(url: string, max = 4): ConstructorOptions {
  return { connectionString: url, max, schedule: false, supervise: false };
}

/**
 * pg-boss 12.38.0: `defaults` is `work(name, handler)` (one job per 2-second poll, as its docs
 * say); `tuned` uses the options pg-boss 12 added for throughput and latency: one `work()` call
 * with `localConcurrency` workers, each fetching batches and fetching again at once while a
 * batch comes back full (`burstWhenBatchFull`), woken by LISTEN/NOTIFY (`useListenNotify`; its
 * docs say no polling tuning is needed then). Batch 500 × 4 drained at least as fast as
 * 1,000 × 4, 250 × 8 and 500 × 8 in trials here.
 */
export const pgBossAdapter: LibAdapter = {
  lib: "pgboss",
  label: "pg-boss 12.38.0",
  bulkChunk: 2_500,
  profiles: {
    defaults: {},
    tuned: { batchSize: 500, localConcurrency: 4, burstWhenBatchFull: true, useListenNotify: true },
  },
  async open(url, sql) {
    const boss = new PgBoss(pgBossOptions(url));
    boss.on("error", (error: Error) => console.error(`pg-boss (main process): ${error.message}`));
    await boss.start();
    // `notify` is a queue setting read by the producer, so it is set here for every profile: each
    // insert statement then sends one NOTIFY (as ours and graphile-worker do on every enqueue),
    // and only a worker started with `useListenNotify` listens for it.
    await boss.createQueue(PGBOSS_QUEUE, { notify: true });
    return new PgBossSession(boss, sql);
  },
};

class PgBossSession implements LibSession {
  constructor(
    private readonly boss: PgBoss,
    private readonly sql: postgres.Sql,
  ) {}

  async enqueueOne(payload: Payload): Promise<void> {
    const id = await this.boss.send(PGBOSS_QUEUE, payload);
    if (!id) throw new Error("pg-boss send() returned no job id: the job was not stored.");
  }

  async enqueueMany(batch: readonly Payload[]): Promise<void> {
    await this.boss.insert(PGBOSS_QUEUE, batch.map((data) => ({ data })));
  }

  // Direct inserts set the one column pg-boss's own insert copies from the queue (policy); the
  // other columns' defaults are those of a queue created without options.
  async loadReady(count: number): Promise<void> {
    await this.sql`
      INSERT INTO pgboss.job (name, data, policy)
      SELECT ${PGBOSS_QUEUE}, jsonb_build_object('n', g, 't', 0), 'standard' FROM generate_series(1, ${count}::int) AS g`;
  }

  async loadFinished(count: number): Promise<boolean> {
    await this.sql`
      INSERT INTO pgboss.job (name, data, policy, state, started_on, completed_on)
      SELECT ${PGBOSS_QUEUE}, jsonb_build_object('n', -g, 't', 0), 'standard', 'completed', now(), now()
      FROM generate_series(1, ${count}::int) AS g`;
    return true;
  }

  async progress() {
    const [row] = await this.sql<{ succeeded: number; failed: number; pending: number }[]>`
      SELECT count(*) FILTER (WHERE state = 'completed' AND (data->>'n')::int > 0)::int AS succeeded,
             count(*) FILTER (WHERE state = 'failed')::int AS failed,
             count(*) FILTER (WHERE state < 'completed')::int AS pending
      FROM pgboss.job WHERE name = ${PGBOSS_QUEUE}`;
    return { succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0, pending: row?.pending ?? 0 };
  }

  async stored() {
    const [row] = await this.sql<{ rows: number; distinct_n: number }[]>`
      SELECT count(*)::int AS rows, count(DISTINCT data->>'n')::int AS distinct_n FROM pgboss.job WHERE name = ${PGBOSS_QUEUE}`;
    return { rows: row?.rows ?? 0, distinctN: row?.distinct_n ?? 0 };
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false });
  }
}
