/**
 * `pnpm --filter demo enqueue`: a fresh database with the demo tasks enqueued and no worker,
 * for running them with the real `db-worker` binary; `pnpm --filter demo report` shows the result.
 */
import { closeTasks } from "@tasks/core";
import { configureDemo } from "./configure.js";
import { openDemoDatabase } from "./database.js";
import { saveManifest } from "./manifest.js";
import { enqueueScenario } from "./scenario.js";
import { demoTracing } from "./tracing.js";

const database = await openDemoDatabase({ fresh: true });
// Traced, the enqueues store their trace context, which the db-worker's spans then link to.
const tracing = demoTracing();
try {
  configureDemo(database, tracing?.telemetry);
  const planned = await enqueueScenario(database);
  saveManifest(database, planned);
  console.log(`Enqueued ${planned.filter((entry) => entry.stored).length} tasks in ${database.where} (and rolled one back). Now run:`);
  console.log(`  pnpm --filter demo exec db-worker --queue "*" --concurrency 1 --interval 0.2 --duration 5`);
  console.log(`  pnpm --filter demo report`);
} finally {
  await closeTasks();
  await tracing?.shutdown();
}
