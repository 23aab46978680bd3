import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../run/exit-codes.js";

/** File names looked for in the current directory, in this order. */
export const CONFIG_FILE_NAMES = [
  "tasks.config.ts",
  "tasks.config.mts",
  "tasks.config.cts",
  "tasks.config.js",
  "tasks.config.mjs",
  "tasks.config.cjs",
] as const;

/** The absolute path of the config to load: `--config` when given, else the first {@link CONFIG_FILE_NAMES} found in `cwd`. */
export function findConfigFile(cwd: string, explicit: string | undefined): string {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!isFile(path)) {
      throw new UsageError(`Invalid value "${explicit}" for --config: ${path} does not exist or is not a file.`);
    }
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    if (isFile(path)) return path;
  }
  throw new UsageError(
    `No tasks config found in ${cwd} (looked for ${CONFIG_FILE_NAMES.join(", ")}). Create one that default-exports ` +
      `defineConfig({ backends: { default: ... }, tasks: ["./src/tasks.ts"] }) from "@tasks/worker-cli", or pass --config PATH.`,
    { showHelpHint: false },
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
