/**
 * `pnpm --filter demo start`: enqueues the demo tasks, runs a worker in this process until
 * they have all finished (showing progress), prints the final table and exits 0. With
 * `--trace` (or `DEMO_TRACE=1`) it also prints the OpenTelemetry spans of the run. With
 * `--dashboard` it serves the web dashboard from just after the enqueue, and keeps it and the
 * worker running after the table until Ctrl-C.
 */
import { closeTasks, Worker } from "@tasks/core";
import { configureDemo } from "./configure.js";
import { dashboardRequested, startDemoDashboard, untilStopped, type DemoDashboard } from "./dashboard.js";
import { openDemoDatabase } from "./database.js";
import { Progress } from "./progress.js";
import { evidence, finalTable } from "./report.js";
import { enqueueScenario, type PlannedTask } from "./scenario.js";
import { demoTracing } from "./tracing.js";

/** Longest the worker may take; the tasks need about four seconds. */
const RUN_LIMIT_MS = 45_000;

async function main(): Promise<number> {
  const database = await openDemoDatabase({ fresh: true });
  const tracing = demoTracing();
  configureDemo(database, tracing?.telemetry);
  let dashboard: DemoDashboard | undefined;
  let stopWorker = async () => {};
  try {
    console.log(`tasks demo: a small shop's background work, stored in ${database.where}\n`);
    const planned = await enqueueScenario(database);
    printPlan(planned);
    if (dashboardRequested()) {
      dashboard = await startDemoDashboard();
      console.log(`\nDashboard: ${dashboard.url}`);
    }

    console.log('\nRunning a worker (every queue, one task at a time) until every task has finished:');
    const progress = new Progress(planned, process.stdout);
    progress.attach();
    const worker = new Worker({ queues: "*", concurrency: 1, pollIntervalMs: 100, workerId: `demo-${process.pid}` });
    let workerError: unknown;
    const running = worker.run().catch((error: unknown) => {
      workerError = error;
    });
    stopWorker = async () => {
      worker.stop();
      await running;
    };
    const finished = await progress.waitUntilFinished(RUN_LIMIT_MS);
    progress.detach();
    // With the dashboard, the worker keeps running so that a task retried there runs.
    if (!dashboard || !finished) await stopWorker();
    if (workerError) throw workerError;

    console.log(`\nFinal state, read back from the database:\n${await finalTable(planned)}\n`);
    console.log((await evidence(database, planned)).join("\n"));
    if (!finished) {
      console.error(`\nSome tasks had not finished after ${RUN_LIMIT_MS / 1000} s; see the table above.`);
      return 1;
    }
    const next = database.dialect === "sqlite" ? "set DATABASE_URL to run it on Postgres" : "unset DATABASE_URL to run it on SQLite";
    console.log(`\nDone. Each run starts from a clean state; ${next}.`);
    if (dashboard) {
      console.log(`\nThe dashboard keeps running at ${dashboard.url}\n(the worker too, so a task you retry there runs). Press Ctrl-C to stop.`);
      await untilStopped();
      await stopWorker();
      if (workerError) throw workerError;
    }
    return 0;
  } finally {
    await stopWorker();
    await dashboard?.close();
    await closeTasks();
    await tracing?.shutdown();
  }
}

function printPlan(planned: readonly PlannedTask[]): void {
  console.log("Enqueued:");
  const width = Math.max(...planned.map((entry) => entry.taskName.length));
  for (const entry of planned) console.log(`  ${entry.taskName.padEnd(width)}  ${entry.shows}`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("The demo failed:", error);
    process.exitCode = 1;
  },
);
