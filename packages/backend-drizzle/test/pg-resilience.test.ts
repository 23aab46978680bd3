/**
 * A worker keeps draining while its Postgres connections are killed (pg_terminate_backend):
 * it reconnects, and every task ends SUCCESSFUL (at least once; a lost reply can mean a rerun).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, silentLogger, task, Worker } from "@tasks/core";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();
const APPLICATION = "tasks-resilience-worker";

describe.skipIf(!available)("Postgres worker resilience", () => {
  const database = useTestDatabase();
  let backend: PostgresBackend;

  beforeAll(async () => {
    await database().db.execute(sql`CREATE TABLE resilience_runs (n integer NOT NULL)`);
    const url = new URL(database().url);
    backend = new PostgresBackend({ connection: { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), database: url.pathname.slice(1), max: 4, connection: { application_name: APPLICATION } } });
    configureTasks({ backends: { default: { backend, queues: [], maxAttempts: 5, leaseMs: 1_500 } }, logger: silentLogger });
  });
  afterAll(async () => {
    resetTasksConfiguration();
    await backend?.close();
  });

  async function killWorkerConnections(): Promise<number> {
    const rows = await database().client<{ killed: boolean }[]>`
      SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
      WHERE datname = ${database().name} AND application_name = ${APPLICATION}`;
    return rows.filter((row) => row.killed).length;
  }

  it("reconnects after its connections are terminated and loses no task", async () => {
    const total = 600;
    const step = task({ name: "resilience.step", queueName: "resilience" }, async (n: number) => {
      await database().db.execute(sql`INSERT INTO resilience_runs (n) VALUES (${n})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return n;
    });
    await step.enqueueMany(Array.from({ length: total }, (_, n) => [n] as [number]));
    const heard: string[] = [];
    const unsubscribe = backend.onTasksAvailable((queue) => heard.push(queue));
    const worker = new Worker({ queues: ["resilience"], concurrency: 8, pollIntervalMs: 50, logger: silentLogger });
    const run = worker.run();
    let killed = 0;
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      killed += await killWorkerConnections();
    }
    expect(killed).toBeGreaterThan(0);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await database().client<{ done: string }[]>`SELECT count(*) AS done FROM tasks_results WHERE queue_name = 'resilience' AND status = 'SUCCESSFUL'`;
      if (Number(row?.done) === total) break;
      if (Date.now() > deadline) throw new Error(`only ${row?.done} of ${total} tasks finished after the connections were killed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    worker.stop();
    await run;
    const [runs] = await database().client<{ distinct: string }[]>`SELECT count(DISTINCT n) AS distinct FROM resilience_runs`;
    expect(Number(runs?.distinct)).toBe(total);
    const statuses = await database().client<{ status: string }[]>`SELECT DISTINCT status FROM tasks_results WHERE queue_name = 'resilience'`;
    expect(statuses.map((row) => row.status)).toEqual(["SUCCESSFUL"]);

    // The LISTEN connection was killed too; postgres.js re-listens, so a new enqueue is still heard.
    const marker = task({ name: "resilience.marker", queueName: "resilience-after" }, async () => null);
    const listenDeadline = Date.now() + 20_000;
    while (!heard.includes("resilience-after")) {
      if (Date.now() > listenDeadline) throw new Error("LISTEN did not come back after its connection was terminated");
      await marker.enqueue();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    unsubscribe();
  }, 120_000);
});
