/**
 * Several worker processes share one SQLite file: every task runs exactly once and ends
 * SUCCESSFUL, while the processes compete for the file's write lock.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger, task, configureTasks, resetTasksConfiguration, unregisterTasks, type WorkerSummary } from "@tasks/core";
import { SqliteBackend } from "../src/sqlite/index.js";
import { migratedFile, tempDir, type TempDir } from "./sqlite-helpers.js";

const TASKS = 5_000;
const PROCESSES = 4;
const script = fileURLToPath(new URL("./sqlite-drain-worker.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

function runWorker(file: string, logFile: string, workerId: string): Promise<WorkerSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, file, logFile, workerId], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`worker ${workerId} exited with code ${code}:\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as WorkerSummary);
      } catch {
        reject(new Error(`worker ${workerId} printed no summary:\n${stdout}\n${stderr}`));
      }
    });
  });
}

describe("several worker processes on one SQLite file", () => {
  let dir: TempDir;
  let file: string;
  let backend: SqliteBackend;

  beforeAll(async () => {
    dir = tempDir();
    file = await migratedFile(dir);
    backend = new SqliteBackend({ path: file });
    configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
  });
  afterAll(async () => {
    resetTasksConfiguration();
    unregisterTasks();
    await backend?.close();
    dir?.remove();
  });

  it(`${PROCESSES} processes drain ${TASKS} tasks; each runs exactly once and succeeds`, async () => {
    const drain = task({ name: "drain.run" }, (n: number) => n);
    const numbers = Array.from({ length: TASKS }, (_, index) => index);
    await drain.enqueueMany(numbers.map((n) => [n] as [number]));

    const logs = Array.from({ length: PROCESSES }, (_, index) => dir.file(`runs-${index}.log`));
    const summaries = await Promise.all(logs.map((log, index) => runWorker(file, log, `proc-${index}`)));

    const runs = logs.flatMap((log) => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map(Number) : []));
    expect(runs).toHaveLength(TASKS);
    expect(new Set(runs)).toEqual(new Set(numbers));
    expect(summaries.reduce((sum, summary) => sum + summary.succeeded, 0)).toBe(TASKS);
    expect(summaries.reduce((sum, summary) => sum + summary.failed + summary.lost + summary.retried, 0)).toBe(0);

    const health = await backend.health({ backend: "default", now: new Date(), recentFailures: 5 });
    expect(health.queues["default"]).toMatchObject({ READY: 0, RUNNING: 0, SUCCESSFUL: TASKS, FAILED: 0 });
    // Every task finished, so every row has moved to the results table.
    const counts = backend.db.$client.prepare<[], { live: number; max: number }>("SELECT (SELECT count(*) FROM tasks_queue) AS live, (SELECT max(attempts) FROM tasks_results) AS max").get();
    expect(counts).toEqual({ live: 0, max: 1 });
  }, 180_000);
});
