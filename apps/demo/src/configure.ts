/** Points @tasks at the demo's database. */
import { configureTasks, consoleLogger } from "@tasks/core";
import type { DemoDatabase } from "./database.js";
import { demoBackendSettings } from "./settings.js";

/** Configures the `default` backend alias on `database`; only warnings and errors are logged. */
export function configureDemo(database: DemoDatabase): void {
  configureTasks({ backends: { default: demoBackendSettings(database.backend) }, logger: consoleLogger("warn") });
}
