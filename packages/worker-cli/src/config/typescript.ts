import { register } from "tsx/esm/api";

const REGISTERED = Symbol.for("@tasks/worker-cli/tsx-registered");

/**
 * Lets `import()` load TypeScript (configs, task modules) without a build step, by
 * registering tsx's loader for the whole process once.
 *
 * Why not tsx's scoped `tsImport`: it loads every module in a separate namespace, so the
 * config's and task modules' copy of `@tasks/core` would not be the one this CLI configures
 * and whose registry its worker reads.
 */
export function ensureTypeScriptLoader(): void {
  const flags = globalThis as { [REGISTERED]?: boolean };
  if (flags[REGISTERED]) return;
  register();
  flags[REGISTERED] = true;
}
