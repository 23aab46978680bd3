import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * The `@tasks` packages a config or task module usually imports. Each has no side effects
 * when evaluated (it defines functions and classes, reads no environment) and, once
 * installed, is compiled JavaScript that needs no loader. `@tasks/core` is not listed: the
 * CLI itself has loaded it by now.
 */
const PRELOADABLE: readonly string[] = [
  "@tasks/worker-cli",
  "@tasks/backend-drizzle",
  "@tasks/backend-drizzle/sqlite",
  "@tasks/backend-drizzle/pg",
  "@tasks/backend-memory",
];

/**
 * Imports with Node's own loader, before tsx's ES-module hooks are registered, the
 * {@link PRELOADABLE} packages that the TypeScript file at `path` names in quotes.
 *
 * Why: once registered, tsx's hooks run on a separate loader thread, and every module
 * imported afterwards (a backend is Drizzle, its dialect and driver: over a hundred modules)
 * makes round trips to that thread to be resolved and loaded, which more than doubled the
 * time to import a TypeScript config. Modules loaded here are in Node's cache when the config
 * imports them, so only the config's own TypeScript goes through tsx. The instances are the
 * ones the config gets (one module cache; CommonJS `require()` of them returns the same
 * instance through Node's `require(esm)`).
 *
 * Only compiled JavaScript is preloaded (a checkout of this repository resolves the packages
 * to TypeScript sources, which stay with tsx). A package that is not installed, or fails to
 * load, is left alone here: the config's own import reports it as before.
 */
export async function preloadTasksPackages(path: string): Promise<void> {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    return;
  }
  const requireFromFile = createRequire(path);
  for (const specifier of PRELOADABLE) {
    if (!source.includes(`"${specifier}"`) && !source.includes(`'${specifier}'`)) continue;
    let resolved: string;
    try {
      resolved = requireFromFile.resolve(specifier);
    } catch {
      continue;
    }
    if (!/\.m?js$/.test(resolved)) continue;
    try {
      await import(pathToFileURL(resolved).href);
    } catch {
      // The config's own import of it reports the problem.
    }
  }
}
