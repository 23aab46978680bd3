/**
 * @tasks/worker-cli — the `tasks` command (`tasks worker`, `prune`, `migrate`, `status`) and
 * its `db-worker` and `prune` aliases. The package root exports `defineConfig` for
 * `tasks.config.ts`, and the entry points for embedding.
 */
export { defineConfig } from "./config/define.js";
export type { WorkerCliConfig } from "./config/define.js";
export { CONFIG_FILE_NAMES } from "./config/find.js";
export { parseDuration } from "./args/durations.js";
export { runTasks, runCommand, COMMAND_NAMES } from "./cli.js";
export type { CommandName } from "./cli.js";
export { runDbWorker, runPrune } from "./entry-points.js";
export type { RunOptions } from "./run/command.js";
export type { CliIo } from "./run/io.js";
export { ShutdownSignals } from "./run/signals.js";
export type { SignalHost } from "./run/signals.js";
export { EXIT_OK, EXIT_ERROR, EXIT_USAGE } from "./run/exit-codes.js";
