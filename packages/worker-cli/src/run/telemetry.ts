/**
 * The telemetry of one command: the config's `telemetry` (with its `shutdownTelemetry`), or
 * for `tasks worker` the OpenTelemetry SDK the environment asks for; and its shutdown when the
 * command ends, which must come before the launcher's `process.exit` drops buffered spans.
 */
import type { Logger, TaskTelemetry } from "@tasks/core";
import type { LoadedConfig } from "../config/load.js";
import { exportRequestedBy, startSdkFromEnvironment } from "./otel-sdk.js";

/** Longest wait for telemetry to flush when a command ends. */
export const TELEMETRY_SHUTDOWN_TIMEOUT_MS = 5_000;

/** What a command passes to `configureTasks`, and what to call once it is done. */
export interface TelemetrySession {
  readonly telemetry: TaskTelemetry | undefined;
  /** Flushes and shuts down the providers (bounded, never throws: failures are logged). */
  shutdown(): Promise<void>;
}

/** A session with only the config's telemetry (the commands other than `tasks worker`). */
export function configTelemetry(loaded: LoadedConfig, logger: Logger): TelemetrySession {
  const { telemetry, shutdownTelemetry } = loaded.config;
  return { telemetry, shutdown: () => boundedShutdown(shutdownTelemetry ? async () => shutdownTelemetry() : undefined, "shutdownTelemetry() of the tasks config", logger) };
}

/**
 * `tasks worker`'s session: the config's telemetry when it sets one; otherwise, when
 * `env` asks for OpenTelemetry export, the Node SDK of the config's project (see
 * `startSdkFromEnvironment`); otherwise none.
 */
export async function workerTelemetry(loaded: LoadedConfig, env: NodeJS.ProcessEnv, logger: Logger): Promise<TelemetrySession> {
  if (loaded.config.telemetry !== undefined) return configTelemetry(loaded, logger);
  const requestedBy = exportRequestedBy(env);
  const started = requestedBy === null ? null : await startSdkFromEnvironment(loaded.path, requestedBy, logger);
  if (started === null) return { telemetry: undefined, shutdown: async () => {} };
  return { telemetry: started.telemetry, shutdown: () => boundedShutdown(() => started.shutdown(), "Shutting down the OpenTelemetry SDK", logger) };
}

async function boundedShutdown(shutdown: (() => Promise<void>) | undefined, what: string, logger: Logger): Promise<void> {
  if (!shutdown) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), TELEMETRY_SHUTDOWN_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([shutdown().then(() => "done" as const), timedOut]);
    if (outcome === "timeout") logger.warn(`${what} took longer than ${TELEMETRY_SHUTDOWN_TIMEOUT_MS / 1_000} s; exiting without waiting for it (spans not yet exported are lost).`);
  } catch (error) {
    logger.warn(`${what} failed; spans not yet exported may be lost.`, { cause: error instanceof Error ? error.message : String(error) });
  } finally {
    clearTimeout(timer);
  }
}
