/**
 * A worker process for the multi-process test: drains the `drain` queue of the database at
 * argv[2] in batch mode, recording each run in `drain_runs`, then prints its summary.
 */
import { sql } from "drizzle-orm";
import { configureTasks, silentLogger, task, Worker } from "@tasks/core";
import { PostgresBackend } from "../../src/pg/index.js";

const [url, workerId] = process.argv.slice(2);
if (!url || !workerId) throw new Error("usage: pg-drain-worker.ts <database url> <worker id>");
const backend = new PostgresBackend({ url });
configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
task({ name: "drain.record", queueName: "drain", takesContext: true }, async (context, n: number) => {
  await backend.db.execute(sql`INSERT INTO drain_runs (task_id, worker_id, n) VALUES (${context.taskResult.id}::uuid, ${workerId}, ${n})`);
  return n;
});
const summary = await new Worker({ queues: ["drain"], batch: true, concurrency: 8, pollIntervalMs: 50, workerId, logger: silentLogger }).run();
await backend.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
