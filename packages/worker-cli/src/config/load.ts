import { createRequire } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { configureTasks, registeredTaskNames, type Logger, type TaskTelemetry } from "@tasks/core";
import { UsageError } from "../run/exit-codes.js";
import { checkConfig } from "./check.js";
import type { WorkerCliConfig } from "./define.js";
import { describeError } from "./describe-error.js";
import { findConfigFile } from "./find.js";
import { isCommonJsFile, isTypeScriptFile } from "./module-format.js";
import { ensureTypeScriptLoader } from "./typescript.js";

const requireFromHere = createRequire(import.meta.url);

/** A config file that was found, imported and checked. */
export interface LoadedConfig {
  readonly path: string;
  readonly config: WorkerCliConfig;
}

/** Finds (see `findConfigFile`), imports and checks the tasks config; throws a {@link UsageError} saying which file and what is wrong. */
export async function loadConfig(cwd: string, explicit: string | undefined): Promise<LoadedConfig> {
  const path = findConfigFile(cwd, explicit);
  await prepareLoader(path, "The tasks config");
  let module: unknown;
  try {
    module = await importFile(path);
  } catch (error) {
    throw new UsageError(`Could not load the tasks config ${path}: ${describeLoadError(error)}`, { showHelpHint: false, cause: error });
  }
  return { path, config: checkConfig(path, defaultExport(module)) };
}

/**
 * Calls core's `configureTasks` with the config's backends, the CLI's `logger` and `telemetry`
 * (the config's, or for `tasks worker` the one the environment asks for).
 */
export function configureFromConfig(loaded: LoadedConfig, logger: Logger, telemetry: TaskTelemetry | undefined): void {
  try {
    configureTasks({ backends: loaded.config.backends, logger, ...(telemetry ? { telemetry } : {}) });
  } catch (error) {
    throw new UsageError(`The tasks config ${loaded.path} is invalid: ${describeError(error)}`, { showHelpHint: false, cause: error });
  }
}

/**
 * The task modules the config lists, as absolute paths; a {@link UsageError} when it lists
 * none, since a worker without tasks could only sit idle (or, before it claimed by name,
 * fail every task it took).
 */
export function taskModulePaths(loaded: LoadedConfig): string[] {
  const modules = loaded.config.tasks ?? [];
  if (modules.length === 0) {
    throw new UsageError(
      `The tasks config ${loaded.path} lists no task modules, so a worker would know no tasks. Add the modules that define your tasks: ` +
        'tasks: ["./src/tasks.ts"] (paths relative to the config file).',
      { showHelpHint: false },
    );
  }
  const base = dirname(loaded.path);
  return modules.map((specifier) => (isAbsolute(specifier) ? specifier : resolve(base, specifier)));
}

/**
 * Imports every task module the config lists, so their tasks are registered before a worker
 * claims; a {@link UsageError} when one fails to load or when together they register no task.
 */
export async function importTaskModules(loaded: LoadedConfig): Promise<void> {
  const paths = taskModulePaths(loaded);
  const specifiers = loaded.config.tasks ?? [];
  for (const [index, path] of paths.entries()) {
    const specifier = specifiers[index] ?? path;
    await prepareLoader(path, `Task module "${specifier}" (listed in ${loaded.path})`);
    try {
      await importFile(path);
    } catch (error) {
      throw new UsageError(`Could not load task module "${specifier}" (${path}), listed in ${loaded.path}: ${describeLoadError(error)}`, {
        showHelpHint: false,
        cause: error,
      });
    }
  }
  if (registeredTaskNames().length === 0) {
    throw new UsageError(
      `The task modules listed in ${loaded.path} registered no tasks. Define tasks in them with task({ name: ... }, fn); if they do, the ` +
        "application and @tasks/worker-cli load two different copies of @tasks/core: install a single version.",
      { showHelpHint: false },
    );
  }
}

/**
 * For reports that are worth showing without the task modules (`tasks status`): imports the
 * modules the config lists, so the schedules they declare are known, and returns why that
 * failed instead of throwing; `null` when they loaded or the config lists none.
 */
export async function importTaskModulesIfListed(loaded: LoadedConfig): Promise<string | null> {
  if ((loaded.config.tasks ?? []).length === 0) return null;
  try {
    await importTaskModules(loaded);
    return null;
  } catch (error) {
    return error instanceof UsageError ? error.message : describeError(error);
  }
}

/** Registers tsx before a TypeScript file is imported; JavaScript files need nothing. */
async function prepareLoader(path: string, role: string): Promise<void> {
  if (isTypeScriptFile(path)) await ensureTypeScriptLoader({ path, role, commonJs: isCommonJsFile(path) });
}

/**
 * Loads a config or task module: CommonJS files with `require()`, ES modules with `import()`.
 *
 * Why not `import()` for everything: Node 20 hands a CommonJS file that a loader hook
 * compiled (tsx, for `.cts`) to its ES-module translator, whose `require()` of an ES module
 * fails ("request for './x.js' is not in cache"); plain `require()` goes through tsx's
 * CommonJS hooks and Node's own `require(esm)` instead. The result has the shape `import()`
 * gives a CommonJS module: `{ default: module.exports }`.
 */
async function importFile(path: string): Promise<unknown> {
  if (isCommonJsFile(path)) return { default: requireFromHere(path) as unknown };
  return import(pathToFileURL(path).href);
}

/** A module's default export, unwrapping the extra `default` layer of a CommonJS-compiled module. */
function defaultExport(module: unknown): unknown {
  const first = (module as { default?: unknown }).default;
  if (first && typeof first === "object" && !("backends" in first) && "default" in first) {
    return (first as { default: unknown }).default;
  }
  return first;
}

/** {@link describeError}, plus what to do when a JavaScript module imports TypeScript without tsx. */
function describeLoadError(error: unknown): string {
  const text = describeError(error);
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.[cm]?tsx?"/.test(text)) {
    return `${text}. A TypeScript file needs tsx to load: install it in your project (npm install -D tsx, or pnpm add -D tsx), or compile it to JavaScript.`;
  }
  return text;
}
