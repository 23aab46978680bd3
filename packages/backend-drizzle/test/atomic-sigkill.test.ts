/**
 * DESIGN.md §3: an atomic task's writes and its completion commit together or not at all.
 * A worker killed with SIGKILL in the middle of an atomic task leaves none of the task's
 * writes; after its lease runs out the task is rescued and run again, and its writes then
 * appear exactly once. On Postgres and on a SQLite file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { configureTasks, resetTasksConfiguration, ResultStatus, silentLogger, task, unregisterTasks, Worker, type TaskBackend } from "@tasks/core";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresBackend } from "../src/pg/index.js";
import { sqliteBackend } from "../src/sqlite/index.js";
import { createTestDatabase, postgresAvailable } from "./helpers/pg.js";
import { migratedFile, tempDir } from "./sqlite-helpers.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const crashWorker = fileURLToPath(new URL("./helpers/atomic-crash-worker.ts", import.meta.url));
const hasPostgres = await postgresAvailable();

/** Starts the crashing worker and resolves once its task has written (uncommitted) its invoice. */
function startCrashingWorker(dialect: "pg" | "sqlite", location: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", crashWorker, dialect, location], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("WROTE")) resolve(child);
    });
    child.on("exit", (code, signal) => reject(new Error(`the crashing worker exited early (${code ?? signal}): ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

interface Dialect {
  readonly name: "pg" | "sqlite";
  readonly location: string;
  readonly backend: TaskBackend;
  invoices(): Promise<Array<{ order_id: number; written_by: string }>>;
  close(): Promise<void>;
}

async function scenario(dialect: Dialect): Promise<void> {
  unregisterTasks();
  configureTasks({ backends: { default: { backend: dialect.backend, leaseMs: 1_000 } }, logger: silentLogger });
  const invoice = task({ name: "orders.invoice", atomic: true, takesContext: true, maxAttempts: 2 }, async (context, orderId: number) => {
    const tx = context.transaction as { execute?: (query: unknown) => Promise<unknown>; run?: (query: unknown) => unknown };
    const insert = sql`INSERT INTO invoices (order_id, written_by) VALUES (${orderId}, 'second worker')`;
    if (dialect.name === "pg") await tx.execute!(insert);
    else tx.run!(insert);
    return { invoiced: orderId };
  });
  const result = await invoice.enqueue(7);

  const child = await startCrashingWorker(dialect.name, dialect.location);
  expect((await result.refresh()).status).toBe(ResultStatus.RUNNING);
  await killed(child);
  expect(await dialect.invoices()).toEqual([]);

  // Past the dead worker's lease, a new worker rescues the task and runs it again.
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const summary = await new Worker({ batch: true, workerId: "second-worker", logger: silentLogger }).run();
  expect(summary).toMatchObject({ claimed: 1, succeeded: 1 });
  await result.refresh();
  expect(result.status).toBe(ResultStatus.SUCCESSFUL);
  expect(result.attempts).toBe(2);
  expect(result.workerIds).toEqual(["crashing-worker", "second-worker"]);
  expect(result.errors.map((error) => error.className)).toEqual(["WorkerLostError"]);
  expect(result.returnValue).toEqual({ invoiced: 7 });
  expect(await dialect.invoices()).toEqual([{ order_id: 7, written_by: "second worker" }]);
}

afterEach(() => {
  resetTasksConfiguration();
  unregisterTasks();
});

describe("an atomic task whose worker is killed with SIGKILL", () => {
  it("on SQLite: leaves no writes, is rescued and re-run, and writes once", async () => {
    const dir = tempDir();
    const file = await migratedFile(dir);
    const backend = sqliteBackend({ path: file });
    backend.db.run(sql`CREATE TABLE invoices (order_id integer PRIMARY KEY, written_by text NOT NULL)`);
    try {
      await scenario({
        name: "sqlite",
        location: file,
        backend,
        invoices: async () => backend.db.all(sql`SELECT order_id, written_by FROM invoices`),
        close: () => backend.close(),
      });
    } finally {
      await backend.close();
      dir.remove();
    }
  }, 60_000);

  it.skipIf(!hasPostgres)("on Postgres: leaves no writes, is rescued and re-run, and writes once", async () => {
    const database = await createTestDatabase();
    await database.db.execute(sql`CREATE TABLE invoices (order_id integer PRIMARY KEY, written_by text NOT NULL)`);
    const backend = new PostgresBackend({ db: database.db, listen: false });
    let failed = true;
    try {
      await scenario({
        name: "pg",
        location: database.url,
        backend,
        invoices: async () => (await database.db.execute(sql`SELECT order_id, written_by FROM invoices`)) as unknown as Array<{ order_id: number; written_by: string }>,
        close: () => backend.close(),
      });
      failed = false;
    } finally {
      await backend.close();
      await database.drop(failed);
    }
  }, 60_000);
});
