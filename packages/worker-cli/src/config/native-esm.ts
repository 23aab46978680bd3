import Module from "node:module";
import { isNativeEsmJavaScript } from "./module-format.js";

type Loader = (module: Module, filename: string) => unknown;

/** Node's table of CommonJS loaders by file extension (an internal, stable since Node 0.x). */
function extensionLoaders(): Record<string, Loader | undefined> {
  return (Module as unknown as { _extensions: Record<string, Loader | undefined> })._extensions;
}

/** Node's own `.js` loader, taken before tsx replaces it. */
export function nativeJavaScriptLoader(): Loader {
  const loader = extensionLoaders()[".js"];
  if (!loader) throw new Error("Node has no CommonJS loader for .js files; this Node.js version is not supported.");
  return loader;
}

/**
 * After tsx's CommonJS hooks are registered, hands `require()` of compiled ES modules (`.mjs`,
 * and `.js` in `"type": "module"` packages such as `@tasks/core`) back to Node's own loader.
 *
 * Why: tsx's hook compiles every ES module a CommonJS file requires into a new CommonJS copy
 * (privatenumber/tsx#838), so a CommonJS `tasks.config.ts` and its task modules would get a
 * second `@tasks/core` whose task registry the worker never reads. Node's native
 * `require(esm)` (Node ≥ 20.19) returns the instance `import` already loaded. Does nothing on
 * Node versions without `require(esm)`, where tsx's copy is the only way to load them.
 */
export function preferNativeRequireOfEsm(native: Loader): void {
  if ((process.features as { require_module?: boolean }).require_module !== true) return;
  const loaders = extensionLoaders();
  for (const extension of [".js", ".mjs"]) {
    const transforming = loaders[extension] ?? native;
    loaders[extension] = function loadPreferringNative(this: unknown, module: Module, filename: string): unknown {
      return isNativeEsmJavaScript(filename) ? native.call(this, module, filename) : transforming.call(this, module, filename);
    };
  }
}
