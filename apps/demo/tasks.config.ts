/**
 * Config for the real worker binary: `pnpm --filter demo exec db-worker --queue "*"`.
 * Same database choice as the demo script (SQLite file, or Postgres with DATABASE_URL) and
 * the same task module, so a separate worker process runs the tasks `pnpm enqueue` stored, plus
 * `src/periodic.ts`, whose heartbeat schedule every such worker enqueues once a minute.
 */
import { defineConfig } from "@tasks/worker-cli";
import { connectDemoDatabase } from "./src/database.js";
import { demoBackendSettings } from "./src/settings.js";
import { demoTracing } from "./src/tracing.js";

// DEMO_TRACE=1: the worker prints its spans (the CLI's own flags are the worker's, so no --trace here).
const tracing = demoTracing(process.env.DEMO_TRACE === "1");

export default defineConfig({
  backends: { default: demoBackendSettings(connectDemoDatabase().backend) },
  tasks: ["./src/tasks.ts", "./src/periodic.ts"],
  logLevel: "info",
  ...(tracing ? { telemetry: tracing.telemetry, shutdownTelemetry: () => tracing.shutdown() } : {}),
});
