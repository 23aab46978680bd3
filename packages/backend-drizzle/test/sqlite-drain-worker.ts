/**
 * Child process of sqlite-multiprocess.test.ts: one worker draining the shared database file.
 * Arguments: database file, log file, worker id. Appends each task's number to the log as it
 * runs, and prints the worker's summary as JSON on stdout.
 */
import { appendFileSync } from "node:fs";
import { configureTasks, silentLogger, task, Worker } from "@tasks/core";
import { sqliteBackend } from "../src/sqlite/index.js";

const [file, logFile, workerId] = process.argv.slice(2);
if (!file || !logFile || !workerId) throw new Error("usage: sqlite-drain-worker.ts <database file> <log file> <worker id>");

const backend = sqliteBackend({ path: file });
configureTasks({ backends: { default: { backend, queues: [] } }, logger: silentLogger });
task({ name: "drain.run" }, (n: number) => {
  appendFileSync(logFile, `${n}\n`);
  return n;
});
const summary = await new Worker({ queues: "*", batch: true, concurrency: 8, pollIntervalMs: 50, workerId, logger: silentLogger }).run();
await backend.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
