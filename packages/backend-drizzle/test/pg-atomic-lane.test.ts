/**
 * Atomic tasks run their transactions on connections of their own (src/pg/atomic-lane.ts):
 * a connection cut inside a transaction costs a rerun, never the process (postgres.js 3.4.9
 * throws an uncatchable TypeError when a transaction keeps using a closed reserved
 * connection), and long transactions cannot starve the pool that renews leases.
 */
import { sql } from "drizzle-orm";
import type { PostgresJsTransaction } from "drizzle-orm/postgres-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, silentLogger, StorageFaultError, task, unregisterTasks, Worker } from "@tasks/core";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

type Tx = PostgresJsTransaction<Record<string, never>, Record<string, never>>;

const available = await postgresAvailable();
const APPLICATION = "tasks-atomic-lane";

describe.skipIf(!available)("Postgres atomic tasks on connections of their own", () => {
  const database = useTestDatabase();
  let backend: PostgresBackend;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    await database().db.execute(sql`CREATE TABLE lane_runs (id serial PRIMARY KEY, label text NOT NULL)`);
    process.on("uncaughtException", onUncaught);
  });
  afterAll(() => {
    process.off("uncaughtException", onUncaught);
  });
  beforeEach(async () => {
    uncaught.length = 0;
    await database().db.execute(sql`TRUNCATE lane_runs`);
    const url = new URL(database().url);
    backend = new PostgresBackend({
      connection: { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), database: url.pathname.slice(1), max: 10, connection: { application_name: APPLICATION } },
    });
    configureTasks({ backends: { default: { backend, queues: [], maxAttempts: 1, leaseMs: 1_000 } }, logger: silentLogger });
  });
  afterEach(async () => {
    unregisterTasks();
    resetTasksConfiguration();
    await backend.close();
  });

  async function terminate(state: string): Promise<number> {
    const rows = await database().client<{ killed: boolean }[]>`
      SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
      WHERE datname = ${database().name} AND application_name = ${APPLICATION} AND state = ${state}`;
    return rows.filter((row) => row.killed).length;
  }

  async function runsOf(label: string): Promise<number> {
    const [row] = await database().client<{ n: string }[]>`SELECT count(*) AS n FROM lane_runs WHERE label = ${label}`;
    return Number(row?.n);
  }

  it("a connection terminated while the transaction is idle costs a rerun, not the process or an attempt", async () => {
    let reachedIdle: () => void = () => {};
    const idle = new Promise<void>((resolve) => (reachedIdle = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const seen: unknown[] = [];
    const slow = task({ name: "lane.idle", atomic: true, takesContext: true }, async (context) => {
      const tx = context.transaction as Tx;
      await tx.execute(sql`INSERT INTO lane_runs (label) VALUES ('idle')`);
      if (context.attempt === 1) {
        reachedIdle();
        await released;
        // Keeps using the transaction after its connection was cut, as task code may: with
        // postgres.js's own transactions this write was queued on a closed socket and threw
        // where nobody could catch it.
        try {
          await tx.execute(sql`SELECT 1`);
        } catch (error) {
          seen.push(error);
        }
      }
      return context.attempt;
    });
    const enqueued = await slow.enqueue();
    const worker = new Worker({ concurrency: 2, pollIntervalMs: 50, batch: true, logger: silentLogger });
    const run = worker.run();
    await idle;
    expect(await terminate("idle in transaction")).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const summary = await run;
    const result = await enqueued.refresh();
    expect(result.status).toBe("SUCCESSFUL");
    expect(result.returnValue).toBe(2);
    expect(result.attempts).toBe(2);
    expect(result.errors[0]?.className).toBe("StorageFaultError");
    // Drizzle wraps driver errors ("Failed query: …"); ours is the cause.
    expect((seen[0] as Error).cause).toBeInstanceOf(StorageFaultError);
    expect(await runsOf("idle")).toBe(1);
    expect(summary.retried).toBe(1);
    expect(uncaught).toEqual([]);
  }, 30_000);

  it("a transaction whose own statement ends its connection is rolled back and run again", async () => {
    const suicidal = task({ name: "lane.terminate-self", atomic: true, takesContext: true }, async (context) => {
      const tx = context.transaction as Tx;
      await tx.execute(sql`INSERT INTO lane_runs (label) VALUES ('self')`);
      if (context.attempt === 1) await tx.execute(sql`SELECT pg_terminate_backend(pg_backend_pid())`);
      return "done";
    });
    const enqueued = await suicidal.enqueue();
    await new Worker({ concurrency: 1, pollIntervalMs: 50, batch: true, logger: silentLogger }).run();
    const result = await enqueued.refresh();
    expect(result.status).toBe("SUCCESSFUL");
    expect(result.attempts).toBe(2);
    expect(await runsOf("self")).toBe(1);
    expect(uncaught).toEqual([]);
  }, 30_000);

  it("twelve atomic tasks longer than three leases on a pool of 10 all succeed on their first attempt", async () => {
    const long = task({ name: "lane.long", atomic: true, takesContext: true }, async (context) => {
      const tx = context.transaction as Tx;
      await tx.execute(sql`INSERT INTO lane_runs (label) VALUES ('long')`);
      await new Promise((resolve) => setTimeout(resolve, 3_200));
      return context.attempt;
    });
    const results = await long.enqueueMany(Array.from({ length: 12 }, () => [] as []));
    // Two workers, as in the field: a worker that lost leases would see the other re-run its tasks.
    const workers = [0, 1].map(() => new Worker({ concurrency: 12, pollIntervalMs: 50, batch: true, logger: silentLogger }));
    const [first] = await Promise.all(workers.map((worker, index) => (index === 0 ? worker.run() : new Promise((r) => setTimeout(r, 300)).then(() => worker.run()))));
    expect(first?.lost).toBe(0);
    for (const result of results) {
      const latest = await result.refresh();
      expect(latest.status).toBe("SUCCESSFUL");
      expect(latest.attempts).toBe(1);
    }
    expect(await runsOf("long")).toBe(12);
  }, 60_000);
});
