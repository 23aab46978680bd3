import { UsageError } from "../run/exit-codes.js";

/** The hooks core calls on a `TaskTelemetry` (see `@tasks/core`'s telemetry.ts). */
const TELEMETRY_METHODS = ["enqueue", "attempt", "storage", "install", "uninstall"] as const;

const FIX = 'import { openTelemetry } from "@tasks/core/otel"; and write telemetry: openTelemetry()';

/**
 * Checks the `telemetry` and `shutdownTelemetry` keys of the tasks config at `path`; throws a
 * {@link UsageError} naming the key and what to write instead. Core checks only `enqueue`, at
 * `configureTasks`; the CLI checks every hook up front so a half-made object fails at start-up
 * rather than at the first claim.
 */
export function checkTelemetry(path: string, telemetry: unknown, shutdownTelemetry: unknown): void {
  if (telemetry !== undefined) {
    if (typeof telemetry === "function") {
      throw new UsageError(
        `"telemetry" in the tasks config ${path} is a function, not what it makes: call it (telemetry: openTelemetry(), not telemetry: openTelemetry).`,
        { showHelpHint: false },
      );
    }
    const missing = telemetryMissing(telemetry);
    if (missing !== null) {
      throw new UsageError(`"telemetry" in the tasks config ${path} must be made by openTelemetry() from "@tasks/core/otel" (${missing}). ${FIX}.`, {
        showHelpHint: false,
      });
    }
  }
  if (shutdownTelemetry === undefined) return;
  if (typeof shutdownTelemetry !== "function") {
    throw new UsageError(
      `"shutdownTelemetry" in the tasks config ${path} must be a function that flushes your providers, such as () => tracerProvider.shutdown() (got ${typeof shutdownTelemetry}).`,
      { showHelpHint: false },
    );
  }
  if (telemetry === undefined) {
    throw new UsageError(
      `The tasks config ${path} has "shutdownTelemetry" but no "telemetry": set telemetry (such as openTelemetry({ tracerProvider })) for the providers it shuts down, or remove it.`,
      { showHelpHint: false },
    );
  }
}

/** Why `value` is not a `TaskTelemetry`, or null when it has every hook. */
function telemetryMissing(value: unknown): string | null {
  if (!value || typeof value !== "object") return `got ${value === null ? "null" : typeof value}`;
  const missing = TELEMETRY_METHODS.filter((name) => typeof (value as Record<string, unknown>)[name] !== "function");
  if (missing.length === 0) return null;
  return `the object given has no ${missing.join(", ")} method${missing.length === 1 ? "" : "s"}`;
}
