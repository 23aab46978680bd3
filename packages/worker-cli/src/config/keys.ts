import { UsageError } from "../run/exit-codes.js";
import { closestMatch } from "./closest.js";

/** The keys a tasks config may have (see `WorkerCliConfig`). */
export const CONFIG_KEYS = ["backends", "tasks", "logLevel", "telemetry", "shutdownTelemetry"] as const;

/** The keys of a backend alias's settings object (see core's `BackendSettings`). */
export const BACKEND_SETTINGS_KEYS = ["backend", "queues", "maxAttempts", "backoff", "leaseMs", "maxArgsBytes", "enqueueTimeoutMs"] as const;

/**
 * Throws a {@link UsageError} naming the first key of `object` that is not in `known`, with
 * the closest known key when one is near enough to be a typo. `where` describes the object
 * ("the tasks config /app/tasks.config.ts").
 */
export function rejectUnknownKeys(object: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const suggestion = closestMatch(key, known);
    const hint = suggestion === undefined ? "" : ` Did you mean "${suggestion}"?`;
    throw new UsageError(`${capitalize(where)} has an unknown key "${key}".${hint} The keys it may have are ${known.join(", ")}.`, { showHelpHint: false });
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
