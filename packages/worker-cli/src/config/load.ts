import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configureTasks, LOG_LEVELS, registeredTaskNames, type Logger } from "@tasks/core";
import { UsageError } from "../run/exit-codes.js";
import type { WorkerCliConfig } from "./define.js";
import { findConfigFile } from "./find.js";
import { ensureTypeScriptLoader } from "./typescript.js";

/** A config file that was found, imported and checked. */
export interface LoadedConfig {
  readonly path: string;
  readonly config: WorkerCliConfig;
}

/** Finds (see `findConfigFile`), imports and checks the tasks config; throws a {@link UsageError} saying which file and what is wrong. */
export async function loadConfig(cwd: string, explicit: string | undefined): Promise<LoadedConfig> {
  const path = findConfigFile(cwd, explicit);
  ensureTypeScriptLoader();
  let module: unknown;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new UsageError(`Could not load the tasks config ${path}: ${describeError(error)}`, { showHelpHint: false, cause: error });
  }
  return { path, config: checkConfig(path, defaultExport(module)) };
}

/** Calls core's `configureTasks` with the config's backends and the CLI's `logger`. */
export function configureFromConfig(loaded: LoadedConfig, logger: Logger): void {
  try {
    configureTasks({ backends: loaded.config.backends, logger });
  } catch (error) {
    throw new UsageError(`The tasks config ${loaded.path} is invalid: ${describeError(error)}`, { showHelpHint: false, cause: error });
  }
}

/** Imports every task module the config lists, so their tasks are registered before a worker claims. */
export async function importTaskModules(loaded: LoadedConfig, logger: Logger): Promise<void> {
  const modules = loaded.config.tasks ?? [];
  const base = dirname(loaded.path);
  for (const specifier of modules) {
    const path = isAbsolute(specifier) ? specifier : resolve(base, specifier);
    try {
      await import(pathToFileURL(path).href);
    } catch (error) {
      throw new UsageError(`Could not load task module "${specifier}" (${path}), listed in ${loaded.path}: ${describeError(error)}`, {
        showHelpHint: false,
        cause: error,
      });
    }
  }
  if (modules.length === 0) {
    logger.warn(`The tasks config ${loaded.path} lists no task modules ("tasks"), so this worker knows no tasks and will fail every task it claims.`);
  } else if (registeredTaskNames().length === 0) {
    logger.warn(
      `The task modules listed in ${loaded.path} registered no tasks. If they define tasks with task(...), the application and @tasks/worker-cli ` +
        "probably load two different copies of @tasks/core; install a single version.",
    );
  }
}

/** A module's default export, unwrapping the extra `default` layer of a CommonJS-compiled module. */
function defaultExport(module: unknown): unknown {
  const first = (module as { default?: unknown }).default;
  if (first && typeof first === "object" && !("backends" in first) && "default" in first) {
    return (first as { default: unknown }).default;
  }
  return first;
}

function checkConfig(path: string, value: unknown): WorkerCliConfig {
  const fix = 'export default defineConfig({ backends: { default: ... }, tasks: ["./src/tasks.ts"] })';
  if (value === undefined) {
    throw new UsageError(`The tasks config ${path} has no default export. Write ${fix}.`, { showHelpHint: false });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`The default export of the tasks config ${path} must be an object (got ${typeof value}). Write ${fix}.`, { showHelpHint: false });
  }
  const config = value as Record<string, unknown>;
  const backends = config.backends;
  if (!backends || typeof backends !== "object" || Array.isArray(backends)) {
    throw new UsageError(`The tasks config ${path} needs "backends": an object of backends by alias, with at least "default". Write ${fix}.`, { showHelpHint: false });
  }
  const tasks = config.tasks;
  if (tasks !== undefined && (!Array.isArray(tasks) || tasks.some((entry) => typeof entry !== "string" || entry.trim() === ""))) {
    throw new UsageError(`"tasks" in the tasks config ${path} must be an array of module paths relative to the config file, such as ["./src/tasks.ts"].`, { showHelpHint: false });
  }
  for (const entry of (tasks ?? []) as string[]) {
    if (!entry.startsWith("./") && !entry.startsWith("../") && !isAbsolute(entry)) {
      throw new UsageError(`Task module "${entry}" in ${path} must be a path starting with ./ or ../ (relative to the config file) or an absolute path.`, { showHelpHint: false });
    }
  }
  const logLevel = config.logLevel;
  if (logLevel !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(logLevel)) {
    throw new UsageError(`"logLevel" in the tasks config ${path} must be one of ${LOG_LEVELS.join(", ")} (got ${JSON.stringify(logLevel)}).`, { showHelpHint: false });
  }
  return config as unknown as WorkerCliConfig;
}

/** "Name: message" of an error, for one-line reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
