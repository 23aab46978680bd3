/**
 * @tasks/worker-cli — the `db-worker` and `prune` binaries. The package root exports
 * `defineConfig` for `tasks.config.ts`, and the two entry points for embedding.
 */
export { defineConfig } from "./config/define.js";
export type { WorkerCliConfig } from "./config/define.js";
export { CONFIG_FILE_NAMES } from "./config/find.js";
export { parseDuration } from "./args/durations.js";
export { runDbWorker } from "./run/db-worker.js";
export { runPrune } from "./run/prune.js";
export type { CliIo } from "./run/io.js";
export { EXIT_OK, EXIT_ERROR, EXIT_USAGE } from "./run/exit-codes.js";
