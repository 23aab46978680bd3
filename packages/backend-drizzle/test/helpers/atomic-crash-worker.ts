/**
 * A worker process that dies mid-task: it runs the atomic task `orders.invoice`, which
 * writes an invoice inside the task's transaction, prints "WROTE", and then hangs until the
 * test kills the process with SIGKILL. argv: dialect ("pg" | "sqlite"), database url or file.
 */
import { sql } from "drizzle-orm";
import { configureTasks, silentLogger, task, Worker, type TaskBackend } from "@tasks/core";
import { PostgresBackend } from "../../src/pg/index.js";
import { sqliteBackend } from "../../src/sqlite/index.js";

const [dialect, location] = process.argv.slice(2);
if ((dialect !== "pg" && dialect !== "sqlite") || !location) throw new Error("usage: atomic-crash-worker.ts pg|sqlite <url|file>");
const backend: TaskBackend = dialect === "pg" ? new PostgresBackend({ url: location, listen: false }) : sqliteBackend({ path: location });
configureTasks({ backends: { default: { backend, leaseMs: 1_000 } }, logger: silentLogger });

task({ name: "orders.invoice", atomic: true, takesContext: true, maxAttempts: 2 }, async (context, orderId: number) => {
  const tx = context.transaction as { execute?: (query: unknown) => Promise<unknown>; run?: (query: unknown) => unknown };
  const insert = sql`INSERT INTO invoices (order_id, written_by) VALUES (${orderId}, 'crashing worker')`;
  if (dialect === "pg") await tx.execute!(insert);
  else tx.run!(insert);
  process.stdout.write("WROTE\n");
  await new Promise(() => {});
});

await new Worker({ workerId: "crashing-worker", pollIntervalMs: 50, logger: silentLogger }).run();
