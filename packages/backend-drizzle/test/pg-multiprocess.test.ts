/** Four worker processes drain 5,000 tasks from one Postgres database: each runs exactly once. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, silentLogger, task } from "@tasks/core";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const workerScript = fileURLToPath(new URL("./helpers/pg-drain-worker.ts", import.meta.url));

function runWorkerProcess(url: string, workerId: string): Promise<{ claimed: number; succeeded: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", workerScript, url, workerId], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`worker ${workerId} exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { claimed: number; succeeded: number });
    });
  });
}

describe.skipIf(!available)("Postgres with several worker processes", () => {
  const database = useTestDatabase();
  let backend: PostgresBackend;

  beforeAll(async () => {
    await database().db.execute(sql`CREATE TABLE drain_runs (task_id uuid NOT NULL, worker_id text NOT NULL, n integer NOT NULL)`);
    backend = new PostgresBackend({ db: database().db, listen: false });
    configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
  });
  afterAll(async () => {
    resetTasksConfiguration();
    await backend?.close();
  });

  it("4 processes drain 5,000 tasks; every task runs exactly once and ends SUCCESSFUL", async () => {
    const record = task({ name: "drain.record", queueName: "drain" }, async (n: number) => n);
    const total = 5000;
    for (let start = 0; start < total; start += 1000) {
      await record.enqueueMany(Array.from({ length: 1000 }, (_, index) => [start + index] as [number]));
    }
    const summaries = await Promise.all([1, 2, 3, 4].map((index) => runWorkerProcess(database().url, `proc-${index}`)));
    const [runs] = await database().client<{ runs: string; distinct: string; workers: string }[]>`
      SELECT count(*) AS runs, count(DISTINCT task_id) AS distinct, count(DISTINCT worker_id) AS workers FROM drain_runs`;
    expect(Number(runs?.runs)).toBe(total);
    expect(Number(runs?.distinct)).toBe(total);
    const statuses = await database().client<{ status: string; count: string }[]>`
      SELECT status, count(*) AS count FROM tasks_results WHERE queue_name = 'drain' GROUP BY status`;
    expect(statuses.map((row) => [row.status, Number(row.count)])).toEqual([["SUCCESSFUL", total]]);
    expect(summaries.reduce((sum, summary) => sum + summary.succeeded, 0)).toBe(total);
    // More than one process took part (a drain by one process alone would not test the race).
    expect(Number(runs?.workers)).toBeGreaterThan(1);
  }, 180_000);
});
