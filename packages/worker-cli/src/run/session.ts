import { closeTasks, type ResolvedBackend } from "@tasks/core";
import { selectDatabaseBackend } from "../config/backend.js";
import { configureFromConfig, loadConfig, type LoadedConfig } from "../config/load.js";
import { createCliLogger } from "../output/logger.js";
import { streamSink } from "../output/sink.js";
import type { CliIo } from "./io.js";
import { configTelemetry, type TelemetrySession } from "./telemetry.js";

/** The config and database backend a command works on. */
export interface OpenedBackend {
  readonly loaded: LoadedConfig;
  readonly resolved: ResolvedBackend;
}

/**
 * The part of start-up `prune`, `status` and `migrate` share: loads the tasks config,
 * configures core with it (warnings to stderr) and picks the database backend `--backend`
 * names (in-process backends are refused unless `flags.inProcess` is `"allow"`).
 * `onConfigured` is called once backends exist, with the telemetry session to pass to
 * {@link closeBackends}, so the caller knows to close them.
 */
export async function openBackend(
  program: string,
  io: CliIo,
  flags: { readonly config: string | undefined; readonly backend: string | undefined; readonly inProcess?: "refuse" | "allow" },
  onConfigured: (telemetry: TelemetrySession) => void,
): Promise<OpenedBackend> {
  const loaded = await loadConfig(io.cwd, flags.config);
  const logger = createCliLogger({ level: "warn", format: "pretty", sink: streamSink(io.stderr) });
  const telemetry = configTelemetry(loaded, logger);
  onConfigured(telemetry);
  configureFromConfig(loaded, logger, telemetry.telemetry);
  return { loaded, resolved: selectDatabaseBackend(flags.backend, loaded.path, program, flags.inProcess) };
}

/**
 * Closes the backends the config opened, then shuts `telemetry` down (flushing what the
 * backends' last calls reported); a failure to close is reported, not thrown.
 */
export async function closeBackends(program: string, io: CliIo, telemetry?: TelemetrySession): Promise<void> {
  await closeTasks().catch((error: unknown) => io.stderr.write(`${program}: closing the backends failed: ${String(error)}\n`));
  await telemetry?.shutdown();
}
