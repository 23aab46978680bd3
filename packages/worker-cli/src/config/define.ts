import type { LogLevel, TaskTelemetry, TasksConfig } from "@tasks/core";

/**
 * What a `tasks.config.ts` exports by default: the backends by alias (as for core's
 * `configureTasks`) and the modules that define tasks.
 */
export interface WorkerCliConfig {
  /** Backends by alias; `default` is required. Same shape as `configureTasks({ backends })`. */
  readonly backends: TasksConfig["backends"];
  /**
   * Modules that define tasks, relative to the config file (or absolute). `tasks worker`
   * imports each of them so their `task(...)` definitions are registered; it runs only tasks
   * registered this way, never code named by a database row. Required (and non-empty) for
   * `tasks worker` and `tasks schedules`; `tasks status` imports them when listed (to find
   * overdue schedules); `migrate` and `prune` do not import them.
   */
  readonly tasks?: readonly string[];
  /** Default `--log-level` of `tasks worker`. Default `"info"`. */
  readonly logLevel?: LogLevel;
  /**
   * Where traces and metrics go: `openTelemetry()` from `@tasks/core/otel`, passed to
   * `configureTasks` by every command. Without it, `tasks worker` starts the OpenTelemetry
   * Node SDK of your project when the OTEL_* environment asks for export (see the README).
   */
  readonly telemetry?: TaskTelemetry;
  /**
   * Called once when a command ends, before the process exits (which drops whatever an
   * exporter still buffers): flush and shut down the providers this config made, such as
   * `() => tracerProvider.shutdown()`. Only together with `telemetry`; given 5 s at most.
   */
  readonly shutdownTelemetry?: () => void | Promise<void>;
}

/**
 * Type-checks a tasks config and returns it unchanged:
 * `export default defineConfig({ backends: { default: sqliteBackend({ path }) }, tasks: ["./src/tasks.ts"] })`.
 *
 * The parameter is the plain {@link WorkerCliConfig} type (not a generic), so TypeScript
 * checks the object literal for excess properties: a misspelt key such as `task:` is a
 * compile-time error ("did you mean 'tasks'?"), and the CLI refuses it at run time too.
 */
export function defineConfig(config: WorkerCliConfig): WorkerCliConfig {
  return config;
}
