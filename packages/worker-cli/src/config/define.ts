import type { LogLevel, TasksConfig } from "@tasks/core";

/**
 * What a `tasks.config.ts` exports by default: the backends by alias (as for core's
 * `configureTasks`) and the modules that define tasks.
 */
export interface WorkerCliConfig {
  /** Backends by alias; `default` is required. Same shape as `configureTasks({ backends })`. */
  readonly backends: TasksConfig["backends"];
  /**
   * Modules that define tasks, relative to the config file (or absolute). `db-worker`
   * imports each of them so their `task(...)` definitions are registered; it runs only
   * tasks registered this way, never code named by a database row.
   */
  readonly tasks?: readonly string[];
  /** Default `--log-level` of `db-worker`. Default `"info"`. */
  readonly logLevel?: LogLevel;
}

/**
 * Identity function that type-checks a tasks config:
 * `export default defineConfig({ backends: { default: sqliteBackend({ path }) }, tasks: ["./src/tasks.ts"] })`.
 */
export function defineConfig<const T extends WorkerCliConfig>(config: T): T {
  return config;
}
