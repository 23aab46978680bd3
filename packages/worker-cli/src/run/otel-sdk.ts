/**
 * `tasks worker` without `telemetry` in its config: when the standard OpenTelemetry
 * environment asks for export, start the OpenTelemetry Node SDK installed in the user's
 * project and report through its global providers. The CLI depends on no OpenTelemetry
 * package: the SDK is resolved from the config file's folder, `@tasks/core/otel` only then.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { Logger, TaskTelemetry } from "@tasks/core";

/** The package started, resolved from the project of the tasks config. */
export const OTEL_SDK_PACKAGE = "@opentelemetry/sdk-node";

/** Variables whose presence asks for export (a value of "none" does not). */
export const OTEL_EXPORT_VARIABLES = ["OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT"] as const;

/** The SDK's part this module uses (`NodeSDK` of `@opentelemetry/sdk-node`). */
interface NodeSdk {
  start(): void;
  shutdown(): Promise<void>;
}

/** Telemetry through a started SDK, and how to stop it. */
export interface StartedSdk {
  readonly telemetry: TaskTelemetry;
  /** Flushes and shuts the SDK down. */
  shutdown(): Promise<void>;
}

/**
 * The first variable of {@link OTEL_EXPORT_VARIABLES} that asks for export, for messages
 * (`OTEL_TRACES_EXPORTER=otlp`; the endpoint by name only, since a URL may carry a password),
 * or null when none does or `OTEL_SDK_DISABLED` is "true" (the SDK's own switch).
 */
export function exportRequestedBy(env: NodeJS.ProcessEnv): string | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return null;
  for (const name of OTEL_EXPORT_VARIABLES) {
    const value = env[name]?.trim();
    if (!value || value.toLowerCase() === "none") continue;
    return name === "OTEL_EXPORTER_OTLP_ENDPOINT" ? name : `${name}=${value}`;
  }
  return null;
}

/**
 * Starts `new NodeSDK()` (which reads the OTEL_* variables) from the project of the tasks config
 * at `configPath` and returns `openTelemetry()` on its global providers. When the SDK is not
 * installed there, or fails to load or start, logs one warning saying what to do and returns
 * null: the worker then runs without telemetry rather than not at all.
 */
export async function startSdkFromEnvironment(configPath: string, requestedBy: string, logger: Logger): Promise<StartedSdk | null> {
  let location: string;
  try {
    location = createRequire(configPath).resolve(OTEL_SDK_PACKAGE);
  } catch {
    logger.warn(
      `${requestedBy} asks for OpenTelemetry export, but ${OTEL_SDK_PACKAGE} is not installed in the project of ${configPath}; running without telemetry. ` +
        `Install it there (npm install ${OTEL_SDK_PACKAGE} @opentelemetry/api), or set "telemetry" in the tasks config.`,
    );
    return null;
  }
  let sdk: NodeSdk | undefined;
  let telemetry: TaskTelemetry;
  try {
    const module = (await import(pathToFileURL(location).href)) as { NodeSDK?: new () => NodeSdk; default?: { NodeSDK?: new () => NodeSdk } };
    const NodeSDK = module.NodeSDK ?? module.default?.NodeSDK;
    if (typeof NodeSDK !== "function") throw new Error(`${location} exports no NodeSDK class`);
    const started = new NodeSDK();
    started.start();
    sdk = started;
    // Only now: @tasks/core/otel loads @opentelemetry/api, which a worker without telemetry never needs.
    const { openTelemetry } = await import("@tasks/core/otel");
    telemetry = openTelemetry();
  } catch (error) {
    await sdk?.shutdown().catch(() => {});
    logger.warn(`${requestedBy} asks for OpenTelemetry export, but starting ${OTEL_SDK_PACKAGE} (${location}) failed; running without telemetry.`, {
      cause: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
  logger.info(`OpenTelemetry: started ${OTEL_SDK_PACKAGE} from the project of the tasks config (${requestedBy}).`);
  const running = sdk;
  return { telemetry, shutdown: () => running.shutdown() };
}
