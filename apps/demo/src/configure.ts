/** Points @tasks at the demo's database. */
import { configureTasks, consoleLogger, type TaskTelemetry } from "@tasks/core";
import type { DemoDatabase } from "./database.js";
import { demoBackendSettings } from "./settings.js";

/**
 * Configures the `default` backend alias on `database`, with `telemetry` when given (see
 * `tracing.ts`); only warnings and errors are logged.
 */
export function configureDemo(database: DemoDatabase, telemetry?: TaskTelemetry): void {
  configureTasks({ backends: { default: demoBackendSettings(database.backend) }, logger: consoleLogger("warn"), ...(telemetry ? { telemetry } : {}) });
}
