import { isAbsolute } from "node:path";
import { LOG_LEVELS } from "@tasks/core";
import { UsageError } from "../run/exit-codes.js";
import { checkTelemetry } from "./check-telemetry.js";
import type { WorkerCliConfig } from "./define.js";
import { BACKEND_SETTINGS_KEYS, CONFIG_KEYS, rejectUnknownKeys } from "./keys.js";

const FIX = 'export default defineConfig({ backends: { default: ... }, tasks: ["./src/tasks.ts"] })';

/**
 * Checks the default export of the tasks config at `path`: its shape, and that it has no
 * unknown keys (a misspelt `task:` would otherwise leave a worker without tasks). Throws a
 * {@link UsageError} naming the file and the problem.
 */
export function checkConfig(path: string, value: unknown): WorkerCliConfig {
  if (value === undefined) {
    throw new UsageError(`The tasks config ${path} has no default export. Write ${FIX}.`, { showHelpHint: false });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`The default export of the tasks config ${path} must be an object (got ${typeof value}). Write ${FIX}.`, { showHelpHint: false });
  }
  rejectUnknownKeys(value, CONFIG_KEYS, `the tasks config ${path}`);
  const config = value as Record<string, unknown>;
  const backends = config.backends;
  if (!backends || typeof backends !== "object" || Array.isArray(backends)) {
    throw new UsageError(`The tasks config ${path} needs "backends": an object of backends by alias, with at least "default". Write ${FIX}.`, { showHelpHint: false });
  }
  for (const [alias, entry] of Object.entries(backends)) {
    if (isSettingsObject(entry)) rejectUnknownKeys(entry, BACKEND_SETTINGS_KEYS, `backend alias "${alias}" in the tasks config ${path}`);
  }
  checkTaskModules(path, config.tasks);
  const logLevel = config.logLevel;
  if (logLevel !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(logLevel)) {
    throw new UsageError(`"logLevel" in the tasks config ${path} must be one of ${LOG_LEVELS.join(", ")} (got ${JSON.stringify(logLevel)}).`, { showHelpHint: false });
  }
  checkTelemetry(path, config.telemetry, config.shutdownTelemetry);
  return config as unknown as WorkerCliConfig;
}

function checkTaskModules(path: string, tasks: unknown): void {
  if (tasks !== undefined && (!Array.isArray(tasks) || tasks.some((entry) => typeof entry !== "string" || entry.trim() === ""))) {
    throw new UsageError(`"tasks" in the tasks config ${path} must be an array of module paths relative to the config file, such as ["./src/tasks.ts"].`, { showHelpHint: false });
  }
  for (const entry of (tasks ?? []) as string[]) {
    if (!entry.startsWith("./") && !entry.startsWith("../") && !isAbsolute(entry)) {
      throw new UsageError(`Task module "${entry}" in ${path} must be a path starting with ./ or ../ (relative to the config file) or an absolute path.`, { showHelpHint: false });
    }
  }
}

/** A `{ backend, queues, … }` object rather than a backend itself (backends have storage methods). */
function isSettingsObject(entry: unknown): entry is object {
  return typeof entry === "object" && entry !== null && typeof (entry as { claim?: unknown }).claim !== "function";
}
